// The model and training settings. Every field keeps the text as typed; the controller validates
// it and the message for a bad value appears beside its field. Nothing here changes the running
// model: edits take effect on Train (for a fresh or finished model) or Reset.
import { useId } from 'react';
import { ACTIVATION_CHOICES, LOSS_CHOICES, type SettingField } from '../model/validate';
import { useAppState, useController } from './controllerContext';

interface FieldProps {
  field: SettingField;
  label: string;
  hint?: string;
  inputMode?: 'numeric' | 'decimal' | 'text';
  choices?: { value: string; label: string }[];
}

function SettingField({ field, label, hint, inputMode = 'numeric', choices }: FieldProps) {
  const controller = useController();
  const value = useAppState((state) => state.rawSettings[field]);
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

export function SettingsForm() {
  const controller = useController();
  // Re-render when settings or the applied model change, to show the "pending" note.
  useAppState((state) => state.rawSettings);
  useAppState((state) => state.applied);
  const status = useAppState((state) => state.status);
  const pending = controller.hasPendingChanges();
  const appliesOn = status === 'training' || status === 'paused' ? 'Reset' : 'Train or Reset';
  return (
    <form className="settings" onSubmit={(e) => e.preventDefault()} aria-label="Settings">
      <fieldset>
        <legend>Model</legend>
        <SettingField field="latentDim" label="Latent size" hint="Size of the bottleneck code, 2 to 128" />
        <SettingField field="hiddenSizes" label="Hidden layers" inputMode="text" hint="Encoder widths, e.g. 256, 64" />
        <SettingField field="activation" label="Activation" choices={ACTIVATION_CHOICES} />
        <SettingField field="loss" label="Loss" choices={LOSS_CHOICES} />
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
