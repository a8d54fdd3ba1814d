// The Plot Forgetting panel's strings, translated in the host. {0}, {1}... are filled in by the webview.
import { l10n } from 'vscode';
import type { ForgettingStrings } from '../../webviews/forgetting/strings';

export function forgettingWebviewStrings(): ForgettingStrings {
  return {
    intro: l10n.t('Fine-tuning on a new domain makes a model forget the old one (catastrophic forgetting). Replay mixes a share ρ of old-domain text into every batch. Each run starts from the active model\'s weights, once without replay and once with ρ, in the training worker.'),
    model: l10n.t('Model (active)'),
    newData: l10n.t('New domain:'),
    replayData: l10n.t('Replayed old text:'),
    oldValidation: l10n.t('Old domain, held out:'),
    missing: l10n.t('not in this installation: choose a file'),
    chooseNewData: l10n.t('Choose New-Domain Text…'),
    chooseOldValidation: l10n.t('Choose Old-Domain Validation Text…'),
    replayRatio: l10n.t('Replay ratio ρ'),
    replayHint: l10n.t('ρ is the share of each batch drawn from the old text (0.25: 2 of 8 sequences); the run without replay (ρ = 0) is measured beside it. Validation loss is measured every tenth of the run on held-out text of each domain.'),
    steps: l10n.t('Steps'),
    run: l10n.t('Fine-Tune and Plot'),
    cancel: l10n.t('Cancel'),
    shipped: l10n.t('Showing the result shipped with the walkthrough (walkthroughs/continual-learning/forgetting.json: {0} fine-tuned on {1}, old domain measured on {2}), not a run of yours. Press Fine-Tune and Plot to measure your own.'),
    saved: l10n.t('Your last run: {0} fine-tuned on {1}, old domain measured on {2}.'),
    live: l10n.t('Measuring now: {0} fine-tuned on {1}, old domain measured on {2}.'),
    cancelled: l10n.t('The run was cancelled: the curves end where it stopped.'),
    oldTitle: l10n.t('Old domain: validation loss (forgetting)'),
    newTitle: l10n.t('New domain: validation loss (learning)'),
    loss: l10n.t('loss (nats/token)'),
    withoutReplay: l10n.t('no replay'),
    withReplay: l10n.t('replay ρ = {0}'),
    oldSummary: l10n.t('Old-domain validation loss at the last step: {0}'),
    newSummary: l10n.t('New-domain validation loss at the last step: {0}'),
    tableRatio: l10n.t('run'),
    tableStep: l10n.t('last step'),
    tableOld: l10n.t('old-domain loss'),
    tableNew: l10n.t('new-domain loss'),
    forgot: l10n.t('forgetting (old loss − old loss at step 0)'),
  };
}
