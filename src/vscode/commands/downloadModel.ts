/**
 * `speechBatch.downloadModel`: a model of the catalogue (or another of whisper.cpp's files by name) into the models
 * folder, with a cancellable progress notification (bytes and rate). An interrupted or cancelled download resumes
 * where it stopped; the published SHA-1 is checked (else the SHA-256 recorded); a damaged file is deleted, saying so.
 * The local service sees the new model at the next job, without a restart.
 */
import * as vscode from 'vscode';
import { DownloadError, installModel, type DownloadProgress, type DownloadResult } from '../../core/modelDownload';
import { languagesLabel, MODEL_CATALOG, modelSizeLabel, modelUrl, otherWhisperModel, whisperCppFolderUrl, type CatalogModel } from '../../core/models';
import { commandAction, UserFacingError } from '../errors';
import { throttledByteProgress } from '../progressThrottle';
import { jobDefaults, localModelSettings } from '../settings';
import type { CommandContext } from './context';
import { offerAsDefault } from './manageModels';

export async function downloadModel(ctx: CommandContext): Promise<void> {
  const { downloadBaseUrl } = localModelSettings();
  const folder = ctx.models.folder;
  const installed = await ctx.models.installed();
  const isInstalled = (name: string): boolean => installed.some((m) => m.name.toLowerCase() === name.toLowerCase() && m.sizeBytes > 0);
  const items: (vscode.QuickPickItem & { model?: CatalogModel })[] = MODEL_CATALOG.map((model) => ({
    label: model.displayName,
    description: [`~${modelSizeLabel(model.approxBytes)}`, languagesLabel(model.locales), isInstalled(model.name) ? vscode.l10n.t('installed') : undefined]
      .filter(Boolean)
      .join(' · '),
    detail: modelUrl(model, downloadBaseUrl),
    model,
  }));
  items.push({
    label: vscode.l10n.t('Other whisper.cpp Model…'),
    description: vscode.l10n.t('another file of whisper.cpp, by name (e.g. ggml-medium.en-q5_0.bin)'),
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Download Model'),
    placeHolder: vscode.l10n.t('The model to download into {0}', folder),
    matchOnDescription: true,
  });
  if (!picked) return;
  let model = picked.model;
  if (!model) {
    const name = await vscode.window.showInputBox({
      title: vscode.l10n.t('Download Model'),
      prompt: vscode.l10n.t('File name of a whisper.cpp model, downloaded from {0}', whisperCppFolderUrl(downloadBaseUrl)),
      placeHolder: 'ggml-medium.en-q5_0.bin',
      ignoreFocusOut: true,
      validateInput: (v) => (otherWhisperModel(v) ? undefined : vscode.l10n.t('A file name like ggml-<name>.bin')),
    });
    model = name === undefined ? undefined : otherWhisperModel(name);
    if (!model) return;
  }
  if (isInstalled(model.name)) {
    await offerAsDefault(model.name, vscode.l10n.t('{0} is already installed.', model.displayName));
    return;
  }
  if (!(await whisperRunsHere(ctx))) return;

  const result = await download(ctx, model, folder, downloadBaseUrl);
  if (!result) return;
  const check = result.verified
    ? vscode.l10n.t('SHA-1 verified')
    : vscode.l10n.t('no published checksum: its SHA-256 was recorded in {0}', result.recordedChecksumFile ?? '');
  await offerAsDefault(
    model.name,
    `${vscode.l10n.t('{0} is installed ({1}, {2}).', model.displayName, modelSizeLabel(result.sizeBytes), check)} ${await whoUsesIt(ctx, model.name)}`,
  );
}

/** Runs the download with a cancellable notification; undefined when the user cancelled. */
async function download(ctx: CommandContext, model: CatalogModel, folder: string, baseUrl: string): Promise<DownloadResult | undefined> {
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Downloading {0}', model.displayName), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort(new Error(vscode.l10n.t('cancelled'))));
        let latest: DownloadProgress | undefined;
        const report = throttledByteProgress(
          (step) => progress.report(step),
          (percent) =>
            latest?.totalBytes
              ? vscode.l10n.t('{0} of {1} ({2}%) · {3}/s', modelSizeLabel(latest.receivedBytes), modelSizeLabel(latest.totalBytes), percent, modelSizeLabel(latest.bytesPerSecond))
              : vscode.l10n.t('{0} · {1}/s', modelSizeLabel(latest?.receivedBytes ?? 0), modelSizeLabel(latest?.bytesPerSecond ?? 0)),
        );
        try {
          progress.report({ message: vscode.l10n.t('Connecting…') });
          return await installModel({
            model,
            modelsDir: folder,
            baseUrl,
            signal: abort.signal,
            onProgress: (p) => {
              latest = p;
              report(p.receivedBytes, p.totalBytes ?? 0, model.fileName);
            },
          });
        } finally {
          cancel.dispose();
        }
      },
    );
  } catch (err) {
    if (!(err instanceof DownloadError)) throw err;
    ctx.log.warn(`Downloading ${model.name}: ${err.message}`);
    if (err.kind === 'cancelled') {
      void vscode.window.showInformationMessage(vscode.l10n.t('The download of {0} was cancelled. Download it again to resume where it stopped.', model.displayName));
      return undefined;
    }
    const settings = commandAction(vscode.l10n.t('Open Settings'), 'workbench.action.openSettings', 'speechBatch.local.modelDownloadBaseUrl');
    throw new UserFacingError(
      vscode.l10n.t('Downloading {0} failed: {1}', model.displayName, err.message),
      err.kind === 'not-found' || err.kind === 'http' || err.kind === 'not-a-model' ? [settings] : [],
    );
  }
}

/**
 * Whether downloaded models can run here; where the whisper.cpp module cannot load, says why and asks first. A
 * service that cannot be asked does not stop the download.
 */
async function whisperRunsHere(ctx: CommandContext): Promise<boolean> {
  const status = await ctx.models.engines().catch((err: Error) => {
    ctx.log.warn(`Asking the local service about whisper.cpp failed: ${err.message}`);
    return undefined;
  });
  if (!status || status.whisper.available) return true;
  const anyway = vscode.l10n.t('Download Anyway');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('whisper.cpp cannot run on this machine, so a downloaded model would not be used: local jobs keep using pocketsphinx.'),
    { modal: true, detail: status.whisper.reason },
    anyway,
  );
  return answer === anyway;
}

/** Which model new local jobs in the default locale run on now, in a sentence. */
async function whoUsesIt(ctx: CommandContext, name: string): Promise<string> {
  const { model: defaultName } = localModelSettings();
  if (defaultName && defaultName.toLowerCase() !== name.toLowerCase()) {
    return vscode.l10n.t('Local jobs keep using your default model {0} (setting speechBatch.local.model).', defaultName);
  }
  const { locale } = jobDefaults();
  const speaking = (await ctx.models.installed()).filter((m) => m.kind !== 'pocketsphinx' && m.locales.some((l) => l.toLowerCase() === locale.toLowerCase()));
  const best = speaking[0]?.name; // the most accurate first
  if (!best) return vscode.l10n.t('It does not transcribe {0} (your speechBatch.locale); jobs in its languages can use it.', locale);
  return best.toLowerCase() === name.toLowerCase()
    ? vscode.l10n.t('New local jobs in {0} use it.', locale)
    : vscode.l10n.t('New local jobs in {0} use {1}, the more accurate model installed.', locale, best);
}
