// The model and training settings. Every field keeps the text as typed; the controller validates
// it and the message for a bad value appears beside its field. Nothing here changes the running
// model: edits take effect on Train (for a fresh or finished model) or Reset.
import { useId } from 'react';
import {
  ACTIVATION_CHOICES,
  BODY_CHOICES,
  DEFAULT_KIND_RAW_SETTINGS,
  KIND_CHOICES,
  KIND_FIELDS,
  LOSS_CHOICES,
  NOISE_CHOICES,
  SPARSITY_CHOICES,
  type AnySettingField,
  type KindSettingField,
} from '../model/validate';
import type { AutoencoderKind } from '../model/spec';
import { useAppState, useController } from './controllerContext';

interface FieldProps {
  field: AnySettingField;
  label: string;
  hint?: string;
  inputMode?: 'numeric' | 'decimal' | 'text';
  choices?: { value: string; label: string }[];
}

function SettingField({ field, label, hint, inputMode = 'numeric', choices }: FieldProps) {
  const controller = useController();
  const value = useAppState((state) => state.rawSettings[field] ?? DEFAULT_KIND_RAW_SETTINGS[field as KindSettingField]);
  const error = useAppState((state) => state.fieldErrors[field]);
  const id = useId();
  const errorId = `${id}-error`;
  const common = {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errorId : undefined,
    className: error ? 'invalid' : undefined,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {choices ? (
        <select {...common} value={value} onChange={(e) => controller.editSetting(field, e.target.value)}>
          {choices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type="text"
          inputMode={inputMode}
          spellCheck={false}
          autoComplete="off"
          value={value}
          title={hint}
          onChange={(e) => controller.editSetting(field, e.target.value)}
        />
      )}
      {error ? (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** How each kind-specific setting is shown. */
const KIND_FIELD_PROPS: Record<KindSettingField, FieldProps> = {
  kind: { field: 'kind', label: 'Autoencoder kind', choices: KIND_CHOICES },
  convFilters: { field: 'convFilters', label: 'Conv filters', inputMode: 'text' },
  body: { field: 'body', label: 'Body', choices: BODY_CHOICES },
  noiseType: { field: 'noiseType', label: 'Noise', choices: NOISE_CHOICES },
  noiseLevel: { field: 'noiseLevel', label: 'Noise level', inputMode: 'decimal', hint: 'Std of Gaussian noise, or share of pixels hit' },
  sparsityType: { field: 'sparsityType', label: 'Sparsity penalty', choices: SPARSITY_CHOICES },
  sparsityWeight: { field: 'sparsityWeight', label: 'Sparsity weight', inputMode: 'decimal' },
  sparsityTarget: { field: 'sparsityTarget', label: 'Target rate ρ', inputMode: 'decimal' },
  beta: { field: 'beta', label: 'β (KL weight)', inputMode: 'decimal' },
  contractiveWeight: { field: 'contractiveWeight', label: 'λ (contractive)', inputMode: 'decimal' },
};

export function SettingsForm() {
  const controller = useController();
  // Re-render when settings or the applied model change, to show the "pending" note.
  useAppState((state) => state.rawSettings);
  useAppState((state) => state.applied);
  const status = useAppState((state) => state.status);
  const rawKind = useAppState((state) => state.rawSettings.kind);
  const rawBody = useAppState((state) => state.rawSettings.body);
  const rawSparsity = useAppState((state) => state.rawSettings.sparsityType);
  const pending = controller.hasPendingChanges();
  const kind = (rawKind ?? 'basic') as AutoencoderKind;
  const kindFields = (KIND_FIELDS[kind] ?? []).filter((field) => field !== 'sparsityTarget' || rawSparsity !== 'l1');
  const convBody = kind === 'convolutional' || (kind === 'denoising' && rawBody === 'conv');
  const appliesOn = status === 'training' || status === 'paused' ? 'Reset' : 'Train or Reset';
  return (
    <form className="settings" onSubmit={(e) => e.preventDefault()} aria-label="Settings">
      <fieldset>
        <legend>Model</legend>
        <SettingField field="kind" label="Autoencoder kind" choices={KIND_CHOICES} />
        <SettingField field="latentDim" label="Latent size" hint="Size of the bottleneck code, 2 to 128" />
        {convBody ? (
          <SettingField field="convFilters" label="Conv filters" inputMode="text" hint="Filters per stride-2 layer, e.g. 16, 32" />
        ) : (
          <SettingField field="hiddenSizes" label="Hidden layers" inputMode="text" hint="Encoder widths, e.g. 128, 32" />
        )}
        <SettingField field="activation" label="Activation" choices={ACTIVATION_CHOICES} />
        <SettingField field="loss" label="Loss" choices={LOSS_CHOICES} />
        {kindFields.map((field) => (field === 'convFilters' ? null : <SettingField key={field} {...KIND_FIELD_PROPS[field]} />))}
      </fieldset>
      <fieldset>
        <legend>Training</legend>
        <SettingField field="learningRate" label="Learning rate" inputMode="decimal" />
        <SettingField field="batchSize" label="Batch size" />
        <SettingField field="epochs" label="Epochs" />
        <SettingField field="seed" label="Seed" />
      </fieldset>
      {pending ? <p className="pending-note">Changed settings apply when you press {appliesOn}.</p> : null}
    </form>
  );
}
