/** `speechBatch.showLog`: the extension's output channel. */
import type { CommandContext } from './context';

export function showLog(ctx: CommandContext): void {
  ctx.log.show();
}
