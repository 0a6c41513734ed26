import { useEffect, useState } from 'preact/hooks';
import { list, request } from './api';

// The instance the other panels work on, and instances/ mkdir and rmdir.
export function Instances(props: { selected: string; onSelect: (name: string) => void }) {
  const [names, setNames] = useState<string[]>([]);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState('');
  const reload = async () =>
    setNames((await list('tracing/instances')).map((entry) => entry.replace(/\/$/, '')));
  useEffect(() => {
    reload();
  }, []);

  const create = async () => {
    const reply = await request('PUT', `tracing/instances/${encodeURIComponent(draft)}/`);
    setError(reply.ok ? '' : reply.text.trim());
    if (reply.ok) {
      props.onSelect(draft);
      setDraft('');
    }
    reload();
  };
  const remove = async () => {
    const name = props.selected;
    const reply = await request('DELETE', `tracing/instances/${encodeURIComponent(name)}/`);
    setError(reply.ok ? '' : reply.text.trim());
    if (reply.ok) props.onSelect('');
    reload();
  };

  return (
    <div class="instances" data-testid="instances">
      <label>
        instance{' '}
        <select value={props.selected}
                onChange={(e) => props.onSelect((e.target as HTMLSelectElement).value)}>
          <option value="">(top level)</option>
          {names.map((name) => <option value={name}>{name}</option>)}
        </select>
      </label>
      {props.selected && <button onClick={remove}>remove</button>}
      <input placeholder="new instance" value={draft}
             onInput={(e) => setDraft((e.target as HTMLInputElement).value)} />
      <button disabled={!draft} onClick={create}>create</button>
      {error && <span class="error">{error}</span>}
    </div>
  );
}
