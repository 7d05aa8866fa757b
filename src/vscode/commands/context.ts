/** What every command handler gets: the parts of the extension it may use (built once in extension.ts). */
import type * as vscode from 'vscode';
import type { ModelChoice } from '../../core/baseModels';
import type { BackendKind, JobRecord } from '../jobRecord';
import type { JobManager } from '../jobManager';
import type { JobsTreeNode } from '../jobsTree';
import type { LocalModels } from '../localModels';
import type { JobPoller } from '../poller';
import type { Secrets } from '../secrets';
import type { TranscriptService } from '../transcriptService';
import type { CommandTarget } from './args';

export interface CommandContext {
  readonly jobs: JobManager;
  readonly transcripts: TranscriptService;
  readonly poller: JobPoller;
  readonly secrets: Secrets;
  readonly log: vscode.LogOutputChannel;
  /** The local service's models (folder, engines). */
  readonly models: LocalModels;
  /** Locales a backend accepts (for the options picker). */
  locales(backend: BackendKind): Promise<string[]>;
  /** Base models a new job of a backend in a locale can name (for the options picker). */
  baseModels(backend: BackendKind, locale: string): Promise<ModelChoice[]>;
  /** Shows a new job in the jobs view. */
  reveal(job: JobRecord): void;
  /** Shows a node of the jobs view (expanded, selected, focused as asked). */
  revealNode(node: JobsTreeNode, options: { expand?: boolean; select?: boolean; focus?: boolean }): Promise<void>;
  /** Opens the batch summary of a job. */
  openSummary(job: JobRecord): Promise<unknown>;
  /** Opens or reveals the transcript view of a key. */
  showPanel(key: string): Promise<void>;
  /** Re-renders the jobs view. */
  refreshView(): void;
}

/** A command's code: `commands/<name>.ts` exports one, named after the command. */
export type CommandHandler = (ctx: CommandContext, target: CommandTarget) => Promise<void> | void;
