/**
 * "Transcribe with Options…": a quick pick that lists the job's options with their current values (defaults from
 * the settings); picking one edits it, "Start Transcription" accepts. Escape cancels the whole command.
 */
import * as vscode from 'vscode';
import type { ProfanityFilterMode, PunctuationMode } from '../core/wire';
import { DIARIZATION_SPEAKERS, isWholeIn, TTL_HOURS } from '../core/limits';
import type { JobOptions } from './jobRequest';

type OptionId = 'start' | 'locale' | 'words' | 'punctuation' | 'profanity' | 'diarization' | 'ttl' | 'model';

interface OptionItem extends vscode.QuickPickItem {
  id: OptionId;
}

const PUNCTUATION: readonly PunctuationMode[] = ['DictatedAndAutomatic', 'Automatic', 'Dictated', 'None'];
const PROFANITY: readonly ProfanityFilterMode[] = ['Masked', 'Removed', 'Tags', 'None'];

/**
 * Lets the user adjust the options of one job. `locales` lists the locales the backend accepts (loaded lazily,
 * may fail: then the locale is typed in). Resolves with the options, or undefined when cancelled.
 */
export async function pickJobOptions(
  defaults: JobOptions,
  fileSummary: string,
  locales: () => Promise<string[]>,
): Promise<JobOptions | undefined> {
  let options: JobOptions = { ...defaults, diarization: { ...defaults.diarization } };
  for (;;) {
    const picked = await vscode.window.showQuickPick(optionItems(options), {
      title: vscode.l10n.t('Transcribe {0}', fileSummary),
      placeHolder: vscode.l10n.t('Pick an option to change it, or start the transcription'),
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    if (picked.id === 'start') return options;
    const edited = await editOption(picked.id, options, locales);
    if (edited) options = edited;
  }
}

function optionItems(o: JobOptions): OptionItem[] {
  const onOff = (on: boolean) => (on ? vscode.l10n.t('On') : vscode.l10n.t('Off'));
  return [
    { id: 'start', label: `$(play) ${vscode.l10n.t('Start Transcription')}`, alwaysShow: true },
    { id: 'locale', label: vscode.l10n.t('Locale'), description: o.locale },
    { id: 'words', label: vscode.l10n.t('Word-level timestamps'), description: onOff(o.wordLevelTimestamps) },
    { id: 'punctuation', label: vscode.l10n.t('Punctuation'), description: o.punctuationMode },
    { id: 'profanity', label: vscode.l10n.t('Profanity filter'), description: o.profanityFilterMode },
    {
      id: 'diarization',
      label: vscode.l10n.t('Speaker separation for mono recordings (diarization)'),
      description: o.diarization.enabled ? vscode.l10n.t('Up to {0} speakers', o.diarization.maxSpeakers) : onOff(false),
    },
    { id: 'ttl', label: vscode.l10n.t('Keep results for'), description: vscode.l10n.t('{0} hours', o.timeToLiveHours) },
    { id: 'model', label: vscode.l10n.t('Model'), description: o.customModel || vscode.l10n.t('Base model') },
  ];
}

async function editOption(id: OptionId, o: JobOptions, locales: () => Promise<string[]>): Promise<JobOptions | undefined> {
  switch (id) {
    case 'locale': {
      const locale = await pickLocale(o.locale, locales);
      return locale ? { ...o, locale } : undefined;
    }
    case 'words':
      return { ...o, wordLevelTimestamps: !o.wordLevelTimestamps };
    case 'punctuation': {
      const mode = await vscode.window.showQuickPick([...PUNCTUATION], { title: vscode.l10n.t('Punctuation') });
      return mode ? { ...o, punctuationMode: mode as PunctuationMode } : undefined;
    }
    case 'profanity': {
      const mode = await vscode.window.showQuickPick([...PROFANITY], { title: vscode.l10n.t('Profanity filter') });
      return mode ? { ...o, profanityFilterMode: mode as ProfanityFilterMode } : undefined;
    }
    case 'diarization': {
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
      if (value === undefined) return undefined;
      const n = Number(value);
      return { ...o, diarization: n === 0 ? { ...o.diarization, enabled: false } : { enabled: true, maxSpeakers: n } };
    }
    case 'ttl': {
      const value = await vscode.window.showInputBox({
        title: vscode.l10n.t('Keep results for'),
        prompt: vscode.l10n.t('Hours after which the service deletes the job and its results ({0} to {1}).', TTL_HOURS.min, TTL_HOURS.max),
        value: String(o.timeToLiveHours),
        validateInput: (v) =>
          isWholeIn(Number(v), TTL_HOURS) ? undefined : vscode.l10n.t('Enter a whole number of hours from {0} to {1}.', TTL_HOURS.min, TTL_HOURS.max),
      });
      return value === undefined ? undefined : { ...o, timeToLiveHours: Number(value) };
    }
    case 'model': {
      const value = await vscode.window.showInputBox({
        title: vscode.l10n.t('Model'),
        prompt: vscode.l10n.t('Self URL of a custom speech model, or empty for the base model.'),
        value: o.customModel,
        validateInput: (v) => (v.trim() === '' || /^https?:\/\/\S+$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter an http(s) URL or nothing.')),
      });
      return value === undefined ? undefined : { ...o, customModel: value.trim() };
    }
    case 'start':
      return o;
  }
}

/** The number typed in an input box (surrounding blanks allowed), or undefined when it is not a whole number. */
function wholeNumber(text: string): number | undefined {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : undefined;
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
  const items = known.map((locale) => ({ label: locale, picked: locale === current }));
  items.sort((a, b) => (a.label === current ? -1 : b.label === current ? 1 : a.label.localeCompare(b.label)));
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Locale'), placeHolder: current }))?.label;
}
