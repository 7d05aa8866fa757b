/**
 * What `activate` returns. TEST-ONLY: the extension-host tests reach the extension's parts through it; it is not a
 * supported API for other extensions and may change at any time.
 */
import type * as vscode from 'vscode';
import type { JobManager } from './jobManager';
import type { JobStore } from './jobStore';
import type { JobsTreeNode, JobsTreeProvider } from './jobsTree';
import type { LocalService } from '../core/localService';
import type { JobPoller } from './poller';
import type { Secrets } from './secrets';
import type { TranscriptService } from './transcriptService';

export interface ExtensionApi {
  readonly jobs: JobManager;
  /** The persisted jobs (tests add and remove fake jobs through it). */
  readonly store: JobStore;
  readonly transcripts: TranscriptService;
  readonly poller: JobPoller;
  readonly tree: JobsTreeProvider;
  /** The jobs view (its badge and description). */
  readonly treeView: vscode.TreeView<JobsTreeNode>;
  readonly localService: LocalService;
  readonly secrets: Secrets;
}
