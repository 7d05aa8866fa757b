/**
 * "Transcribe with Options…": a quick pick that lists the job's options with their current values in words (defaults
 * from the settings), each saying what it does; picking one offers its values, each explained, the current one
 * marked ($(check)). Only what the backend and the model honour is offered: the model list comes from the service
 * (local: the installed models, by name, size and languages; Azure: its base models for the locale), a model that
 * writes its own punctuation (whisper, Parakeet) offers "as the model writes it" or none, custom model URLs are
 * Azure's only. "Start Transcription" accepts; Escape cancels the whole command.
 */
import * as vscode from 'vscode';
import { defaultModelFor, speaksLocale, writesOwnPunctuation, type ModelChoice } from '../core/baseModels';
import type { ProfanityFilterMode, PunctuationMode } from '../core/wire';
import { DIARIZATION_SPEAKERS, isWholeIn, TTL_HOURS } from '../core/limits';
import { userMessage } from './errors';
import type { BackendKind } from './jobRecord';
import type { JobOptions } from './jobRequest';

type OptionId = 'start' | 'locale' | 'words' | 'punctuation' | 'profanity' | 'diarization' | 'ttl' | 'model';

interface OptionItem extends vscode.QuickPickItem {
  id: OptionId;
}

/** A value of an option as the user sees it. */
interface Choice<T> {
  value: T;
  label: string;
  description?: string;
  detail?: string;
}

interface ChoiceItem<T> extends vscode.QuickPickItem {
  choice?: Choice<T>;
  /** "Other…": asks for a value. */
  other?: true;
}

/** Where the picker gets what the backend accepts (both loaded lazily; either may fail). */
export interface OptionsSource {
  backend: BackendKind;
  /** Locales the backend accepts. */
  locales(): Promise<string[]>;
  /** Base models a job in `locale` can name. */
  models(locale: string): Promise<ModelChoice[]>;
  /** The model jobs that name none run on, by name, when a setting chooses it (`speechBatch.local.model`). */
  defaultModel?: string;
}

/** Lets the user adjust the options of one job. Resolves with the options, or undefined when cancelled. */
export async function pickJobOptions(defaults: JobOptions, fileSummary: string, source: OptionsSource): Promise<JobOptions | undefined> {
  let options: JobOptions = { ...defaults, diarization: { ...defaults.diarization } };
  const models = new Map<string, Promise<ModelChoice[]>>();
  const modelsFor = (locale: string) => {
    let list = models.get(locale);
    if (!list) {
      list = source.models(locale);
      list.catch(() => undefined);
      models.set(locale, list);
    }
    return list;
  };
  const picker: Picker = { backend: source.backend, locales: source.locales, modelsFor, defaultModel: source.defaultModel };
  for (;;) {
    const picked = await vscode.window.showQuickPick(optionItems(options, picker), {
      title: vscode.l10n.t('Transcribe {0}', fileSummary),
      placeHolder: vscode.l10n.t('Pick an option to change it, or start the transcription'),
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    if (picked.id === 'start') return options;
    const edited = await editOption(picked.id, options, picker);
    if (edited) options = await withModelForLocale(edited, picker);
  }
}

interface Picker {
  backend: BackendKind;
  locales(): Promise<string[]>;
  modelsFor(locale: string): Promise<ModelChoice[]>;
  defaultModel?: string;
}

/** The model a job that names none runs on: the one the setting chooses, else the service's pick for the locale. */
async function defaultOf(o: JobOptions, picker: Picker, localeModels: readonly ModelChoice[] | undefined): Promise<ModelChoice | undefined> {
  const named = picker.defaultModel?.toLowerCase();
  if (named) return (await picker.modelsFor(o.locale).catch(() => [])).find((m) => m.name.toLowerCase() === named);
  return localeModels ? defaultModelFor(localeModels, o.locale) : undefined;
}

/** The models of the job's locale, or undefined when the service could not list them. */
async function modelsOf(o: JobOptions, picker: Picker): Promise<ModelChoice[] | undefined> {
  try {
    return (await picker.modelsFor(o.locale)).filter((m) => speaksLocale(m, o.locale));
  } catch {
    return undefined;
  }
}

/** The model the job names (matched by its id: the local service's port changes between starts). */
function chosenModel(o: JobOptions, models: readonly ModelChoice[] | undefined): ModelChoice | undefined {
  const self = o.customModel.trim();
  if (!self || !models) return undefined;
  const id = modelIdOf(self);
  return models.find((m) => m.self === self || (id !== undefined && modelIdOf(m.self) === id));
}

function modelIdOf(self: string): string | undefined {
  return /\/models\/base\/([^/?#]+)/i.exec(self)?.[1]?.toLowerCase();
}

/** After a locale change, a chosen base model that does not speak the new locale falls back to the default. */
async function withModelForLocale(o: JobOptions, picker: Picker): Promise<JobOptions> {
  if (!o.customModel.trim() || !modelIdOf(o.customModel)) return o;
  const models = await modelsOf(o, picker);
  return models && !chosenModel(o, models) ? { ...o, customModel: '' } : o;
}

async function optionItems(o: JobOptions, picker: Picker): Promise<OptionItem[]> {
  const models = await modelsOf(o, picker);
  const model = chosenModel(o, models);
  const effective = model ?? (await defaultOf(o, picker, models));
  const current = <T>(choices: Choice<T>[], value: T) => choices.find((c) => c.value === value)?.label;
  return [
    { id: 'start', label: `$(play) ${vscode.l10n.t('Start Transcription')}`, alwaysShow: true },
    { id: 'locale', label: vscode.l10n.t('Locale'), description: o.locale, detail: languageName(o.locale) },
    {
      id: 'model',
      label: vscode.l10n.t('Model'),
      description: model ? model.displayName : o.customModel.trim() ? o.customModel.trim() : defaultLabel(effective, picker.backend),
      detail: effective ? modelDetail(effective) : vscode.l10n.t('The speech model that transcribes the calls.'),
    },
    {
      id: 'words',
      label: vscode.l10n.t('Word-level timestamps'),
      description: current(wordChoices(), o.wordLevelTimestamps),
      detail: vscode.l10n.t('A time and confidence for each word, or only per phrase.'),
    },
    {
      id: 'punctuation',
      label: vscode.l10n.t('Punctuation'),
      description: current(punctuationChoices(effective), punctuationValue(o.punctuationMode, effective)),
      detail: vscode.l10n.t('How commas, full stops and question marks get into the text.'),
    },
    {
      id: 'profanity',
      label: vscode.l10n.t('Profanity filter'),
      description: current(profanityChoices(), o.profanityFilterMode),
      detail: vscode.l10n.t('What happens to swear words in the transcript.'),
    },
    {
      id: 'diarization',
      label: vscode.l10n.t('Speaker separation for mono recordings (diarization)'),
      description: o.diarization.enabled ? speakersLabel(o.diarization.maxSpeakers) : vscode.l10n.t('Off'),
      detail: vscode.l10n.t('Stereo calls are split by channel anyway; this tells the voices of a mono recording apart.'),
    },
    {
      id: 'ttl',
      label: vscode.l10n.t('Keep results for'),
      description: vscode.l10n.t('{0} hours', o.timeToLiveHours),
      detail: vscode.l10n.t('Then the service deletes the job; transcripts you opened stay saved in VS Code.'),
    },
  ];
}

async function editOption(id: OptionId, o: JobOptions, picker: Picker): Promise<JobOptions | undefined> {
  switch (id) {
    case 'locale': {
      const locale = await pickLocale(o.locale, picker.locales);
      return locale ? { ...o, locale } : undefined;
    }
    case 'model':
      return pickModel(o, picker);
    case 'words': {
      const on = await pickChoice(vscode.l10n.t('Word-level timestamps'), wordChoices(), o.wordLevelTimestamps);
      return on === undefined ? undefined : { ...o, wordLevelTimestamps: on };
    }
    case 'punctuation': {
      const models = await modelsOf(o, picker);
      const effective = chosenModel(o, models) ?? (await defaultOf(o, picker, models));
      const mode = await pickChoice(vscode.l10n.t('Punctuation'), punctuationChoices(effective), punctuationValue(o.punctuationMode, effective));
      if (mode === undefined) return undefined;
      // "As the model writes it" keeps a mode that is not None (it matters again on a model that does not punctuate).
      return { ...o, punctuationMode: mode !== 'None' && o.punctuationMode !== 'None' && writesOwnPunctuation(effective) ? o.punctuationMode : mode };
    }
    case 'profanity': {
      const mode = await pickChoice(vscode.l10n.t('Profanity filter'), profanityChoices(), o.profanityFilterMode);
      return mode ? { ...o, profanityFilterMode: mode } : undefined;
    }
    case 'diarization': {
      const speakers = await pickChoice(
        vscode.l10n.t('Speaker separation for mono recordings'),
        diarizationChoices(picker.backend),
        o.diarization.enabled ? o.diarization.maxSpeakers : 0,
        () => askSpeakers(o),
      );
      if (speakers === undefined) return undefined;
      return { ...o, diarization: speakers === 0 ? { ...o.diarization, enabled: false } : { enabled: true, maxSpeakers: speakers } };
    }
    case 'ttl': {
      const hours = await pickChoice(vscode.l10n.t('Keep results for'), ttlChoices(), o.timeToLiveHours, () => askHours(o));
      return hours === undefined ? undefined : { ...o, timeToLiveHours: hours };
    }
    case 'start':
      return o;
  }
}

/**
 * One option's values as a quick pick: the current one marked with $(check) and placed under the cursor's first
 * look (the list keeps its order); `other` adds "Other…" for a value typed in.
 */
async function pickChoice<T>(title: string, choices: Choice<T>[], current: T, other?: () => Promise<T | undefined>): Promise<T | undefined> {
  const items: ChoiceItem<T>[] = choices.map((c) => ({
    label: c.value === current ? `$(check) ${c.label}` : c.label,
    description: c.description,
    detail: c.detail,
    choice: c,
  }));
  if (other) {
    const custom = !choices.some((c) => c.value === current);
    items.push({ label: `${custom ? '$(check) ' : ''}${vscode.l10n.t('Other…')}`, description: custom ? String(current) : undefined, other: true });
  }
  const currentLabel = choices.find((c) => c.value === current)?.label;
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: currentLabel ? vscode.l10n.t('Now: {0}', currentLabel) : undefined,
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  return picked.other ? other?.() : picked.choice?.value;
}

function wordChoices(): Choice<boolean>[] {
  return [
    { value: true, label: vscode.l10n.t('On'), description: vscode.l10n.t('a time and confidence for every word; low-confidence words are marked') },
    { value: false, label: vscode.l10n.t('Off'), description: vscode.l10n.t('times per phrase only; smaller results') },
  ];
}

/** A whisper or Parakeet model writes its own punctuation: "Dictated" and "Automatic" would change nothing. */
function punctuationChoices(model: ModelChoice | undefined): Choice<PunctuationMode>[] {
  if (writesOwnPunctuation(model)) {
    return [
      {
        value: 'DictatedAndAutomatic',
        label: vscode.l10n.t('As the model writes it'),
        description: vscode.l10n.t('{0} punctuates and capitalises sentences itself', model!.name),
      },
      { value: 'None', label: vscode.l10n.t('None'), description: vscode.l10n.t('no punctuation marks: words only') },
    ];
  }
  return [
    {
      value: 'DictatedAndAutomatic',
      label: vscode.l10n.t('Dictated and automatic'),
      description: vscode.l10n.t('sentences punctuated automatically, and spoken "comma", "full stop" become marks'),
    },
    { value: 'Automatic', label: vscode.l10n.t('Automatic'), description: vscode.l10n.t('sentences capitalised and punctuated automatically') },
    { value: 'Dictated', label: vscode.l10n.t('Dictated only'), description: vscode.l10n.t('only spoken "comma", "question mark", … become marks') },
    { value: 'None', label: vscode.l10n.t('None'), description: vscode.l10n.t('no punctuation marks: words only') },
  ];
}

/** The punctuation value the picker shows: on a model that punctuates itself, every mode but None is one choice. */
function punctuationValue(mode: PunctuationMode, model: ModelChoice | undefined): PunctuationMode {
  return writesOwnPunctuation(model) && mode !== 'None' ? 'DictatedAndAutomatic' : mode;
}

function profanityChoices(): Choice<ProfanityFilterMode>[] {
  return [
    { value: 'Masked', label: vscode.l10n.t('Masked'), description: vscode.l10n.t('replace each letter with * (****)') },
    { value: 'Removed', label: vscode.l10n.t('Removed'), description: vscode.l10n.t('leave the words out of the text') },
    { value: 'Tags', label: vscode.l10n.t('Tagged'), description: vscode.l10n.t('keep them, marked <profanity>…</profanity>') },
    { value: 'None', label: vscode.l10n.t('Not filtered'), description: vscode.l10n.t('write them as spoken') },
  ];
}

function speakersLabel(n: number): string {
  return vscode.l10n.t('Up to {0} speakers', n);
}

function diarizationChoices(backend: BackendKind): Choice<number>[] {
  const how =
    backend === 'local'
      ? vscode.l10n.t('told apart by their voices: works best with pauses between turns')
      : vscode.l10n.t('Azure tells the speakers apart');
  return [
    { value: 0, label: vscode.l10n.t('Off'), description: vscode.l10n.t('one speaker per channel') },
    ...[2, 3, 4, 5].map((n) => ({ value: n, label: speakersLabel(n), description: n === 2 ? how : undefined })),
  ];
}

function ttlChoices(): Choice<number>[] {
  const hours = (n: number, label: string) => ({ value: n, label, description: vscode.l10n.t('{0} hours', n) });
  return [
    hours(6, vscode.l10n.t('6 hours')),
    hours(12, vscode.l10n.t('12 hours')),
    hours(24, vscode.l10n.t('1 day')),
    hours(48, vscode.l10n.t('2 days')),
    hours(168, vscode.l10n.t('1 week')),
    hours(TTL_HOURS.max, vscode.l10n.t('31 days (the most)')),
  ];
}

async function askSpeakers(o: JobOptions): Promise<number | undefined> {
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Speaker separation for mono recordings'),
    prompt: vscode.l10n.t(
      'Most speakers expected ({0} to {1}), or 0 to turn it off. Stereo calls are split by channel anyway.',
      DIARIZATION_SPEAKERS.min,
      DIARIZATION_SPEAKERS.max,
    ),
    value: String(o.diarization.enabled ? o.diarization.maxSpeakers : 0),
    validateInput: (v) =>
      wholeNumber(v) === 0 || isWholeIn(wholeNumber(v), DIARIZATION_SPEAKERS)
        ? undefined
        : vscode.l10n.t('Enter 0 or a number from {0} to {1}.', DIARIZATION_SPEAKERS.min, DIARIZATION_SPEAKERS.max),
  });
  return value === undefined ? undefined : Number(value);
}

async function askHours(o: JobOptions): Promise<number | undefined> {
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Keep results for'),
    prompt: vscode.l10n.t('Hours after which the service deletes the job and its results ({0} to {1}).', TTL_HOURS.min, TTL_HOURS.max),
    value: String(o.timeToLiveHours),
    validateInput: (v) =>
      isWholeIn(wholeNumber(v), TTL_HOURS) ? undefined : vscode.l10n.t('Enter a whole number of hours from {0} to {1}.', TTL_HOURS.min, TTL_HOURS.max),
  });
  return value === undefined ? undefined : Number(value);
}

/** The number typed in an input box (surrounding blanks allowed), or undefined when it is not a whole number. */
function wholeNumber(text: string): number | undefined {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : undefined;
}

/** "English (United States)" for en-US, in VS Code's display language; undefined where the runtime cannot say. */
function languageName(locale: string): string | undefined {
  try {
    const name = new Intl.DisplayNames([vscode.env.language, 'en'], { type: 'language' }).of(locale);
    return name && name !== locale ? name : undefined;
  } catch {
    return undefined;
  }
}

function defaultLabel(model: ModelChoice | undefined, backend: BackendKind): string {
  if (model) return vscode.l10n.t('Default ({0})', model.displayName);
  return backend === 'azure' ? vscode.l10n.t('Default (the newest base model)') : vscode.l10n.t('Default');
}

/** "base.en · 148 MB · English (8 locales)". */
function modelDetail(model: ModelChoice): string {
  const parts = [model.kind ? model.name : undefined, model.sizeBytes ? formatSize(model.sizeBytes) : undefined, languagesText(model.locales)];
  if (!model.kind && model.createdDateTime) parts.push(vscode.l10n.t('from {0}', new Date(model.createdDateTime).toLocaleDateString(vscode.env.language)));
  return parts.filter(Boolean).join(' · ');
}

function formatSize(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

/** The languages of some locales: "English (United States)", "English (8 locales)", "25 languages". */
function languagesText(locales: readonly string[]): string {
  if (locales.length === 1) return languageName(locales[0]!) ?? locales[0]!;
  const languages = [...new Set(locales.map((l) => l.split('-')[0]!.toLowerCase()))];
  if (languages.length === 1) {
    return vscode.l10n.t('{0} ({1} locales)', languageName(languages[0]!) ?? languages[0]!, locales.length);
  }
  if (languages.length <= 3) return languages.map((l) => languageName(l) ?? l).join(', ');
  return vscode.l10n.t('{0} languages', languages.length);
}

async function pickModel(o: JobOptions, picker: Picker): Promise<JobOptions | undefined> {
  let models: ModelChoice[] | undefined;
  let failure: string | undefined;
  try {
    models = (await picker.modelsFor(o.locale)).filter((m) => speaksLocale(m, o.locale));
  } catch (err) {
    failure = userMessage(err);
  }
  if (!models) {
    if (picker.backend === 'azure') return askCustomModel(o);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not list the models of the local service: {0}', failure ?? ''));
    return undefined;
  }
  const chosen = chosenModel(o, models);
  const fallback = await defaultOf(o, picker, models);
  type ModelItem = vscode.QuickPickItem & { self?: string; custom?: true };
  const mark = (on: boolean, label: string) => (on ? `$(check) ${label}` : label);
  const items: ModelItem[] = [
    {
      label: mark(!o.customModel.trim(), defaultLabel(fallback, picker.backend)),
      description: picker.defaultModel
        ? vscode.l10n.t('set in speechBatch.local.model')
        : picker.backend === 'local'
          ? vscode.l10n.t('the best installed model for {0}', o.locale)
          : vscode.l10n.t('chosen by Azure for {0}', o.locale),
      self: '',
    },
    ...[...models]
      .sort((a, b) => b.rank - a.rank || (b.createdDateTime ?? '').localeCompare(a.createdDateTime ?? ''))
      .map((m) => ({ label: mark(m === chosen, m.displayName), description: modelDetail(m), detail: picker.backend === 'azure' ? m.description : undefined, self: m.self })),
  ];
  if (picker.backend === 'azure') {
    const custom = o.customModel.trim() !== '' && !chosen;
    items.push({ label: mark(custom, vscode.l10n.t('Custom model…')), description: custom ? o.customModel : vscode.l10n.t('the self URL of a model you trained'), custom: true });
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Model for {0}', o.locale),
    placeHolder:
      picker.backend === 'local'
        ? vscode.l10n.t('Installed models that transcribe {0} (Speech Batch: Download Model adds more)', o.locale)
        : vscode.l10n.t('Azure base models for {0}', o.locale),
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.custom) return askCustomModel(o);
  return { ...o, customModel: picked.self ?? '' };
}

async function askCustomModel(o: JobOptions): Promise<JobOptions | undefined> {
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Custom model'),
    prompt: vscode.l10n.t('Self URL of a custom speech model, or empty for the base model.'),
    value: o.customModel,
    validateInput: (v) => (v.trim() === '' || /^https?:\/\/\S+$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter an http(s) URL or nothing.')),
  });
  return value === undefined ? undefined : { ...o, customModel: value.trim() };
}

async function pickLocale(current: string, locales: () => Promise<string[]>): Promise<string | undefined> {
  let known: string[] = [];
  try {
    known = await locales();
  } catch {
    // The service could not list its locales: let the user type one.
  }
  if (known.length === 0) {
    return vscode.window.showInputBox({ title: vscode.l10n.t('Locale'), prompt: vscode.l10n.t('BCP-47 locale, e.g. en-US'), value: current });
  }
  const items = known.map((locale) => ({ label: locale === current ? `$(check) ${locale}` : locale, description: languageName(locale), locale }));
  items.sort((a, b) => (a.locale === current ? -1 : b.locale === current ? 1 : a.locale.localeCompare(b.locale)));
  return (
    await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Locale'), placeHolder: vscode.l10n.t('Now: {0}', current), matchOnDescription: true })
  )?.locale;
}
