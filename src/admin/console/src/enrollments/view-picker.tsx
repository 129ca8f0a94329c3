/** The Views dropdown: built-in and saved views; save the current filter as a view; delete one. */
import { useState } from 'preact/hooks';
import { TextDialog } from '../components/text-dialog.js';
import { sameFilter, type RequestFilter, type SavedView } from './saved-views.js';

interface ViewPickerProps {
  views: SavedView[];
  current: SavedView;
  filter: RequestFilter;
  onPick: (view: SavedView) => void;
  onSave: (name: string) => void;
  onDelete: (view: SavedView) => void;
}

export function ViewPicker({ views, current, filter, onPick, onSave, onDelete }: ViewPickerProps) {
  const [saving, setSaving] = useState(false);
  const modified = !sameFilter(current.filter, filter);
  return (
    <div class="views">
      <label for="view-select">View</label>
      <select
        id="view-select"
        value={current.id}
        onChange={(e) => {
          const view = views.find((v) => v.id === e.currentTarget.value);
          if (view) onPick(view);
        }}
      >
        <optgroup label="Views">
          {views
            .filter((v) => v.builtIn)
            .map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
        </optgroup>
        {views.some((v) => !v.builtIn) ? (
          <optgroup label="My views">
            {views
              .filter((v) => !v.builtIn)
              .map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
          </optgroup>
        ) : null}
      </select>
      {modified ? <span class="hint">(filter changed)</span> : null}
      <button type="button" onClick={() => setSaving(true)}>
        Save view…
      </button>
      {current.builtIn ? null : (
        <button type="button" onClick={() => onDelete(current)}>
          Delete view
        </button>
      )}
      {saving ? (
        <TextDialog
          title="Save the current filter as a view"
          label="Name"
          hint="Saved in this browser."
          submitLabel="Save view"
          required
          onClose={() => setSaving(false)}
          onSubmit={async (name) => onSave(name)}
        />
      ) : null}
    </div>
  );
}
