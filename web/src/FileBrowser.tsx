import { useEffect, useState } from 'preact/hooks';
import { join, list, request, write } from './api';

// Streams are not read whole: the live view follows trace_pipe.
const isStream = (name: string) => name.startsWith('trace_pipe');

function Directory(props: { path: string; name: string; depth: number; selected: string;
                            onSelect: (path: string) => void }) {
  const [entries, setEntries] = useState<string[] | null>(null);
  const [open, setOpen] = useState(props.depth === 0);
  useEffect(() => {
    if (open && entries === null) list(props.path).then(setEntries);
  }, [open]);
  return (
    <li>
      {props.depth > 0 && (
        <button class="dir" onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'} {props.name}/
        </button>
      )}
      {open && entries && (
        <ul>
          {entries.map((entry) =>
            entry.endsWith('/') ? (
              <Directory path={join(props.path, entry.slice(0, -1))} name={entry.slice(0, -1)}
                         depth={props.depth + 1} selected={props.selected} onSelect={props.onSelect} />
            ) : (
              <li>
                <button class={`file ${props.selected === join(props.path, entry) ? 'selected' : ''}`}
                        onClick={() => props.onSelect(join(props.path, entry))}>
                  {entry}
                </button>
              </li>
            ))}
        </ul>
      )}
    </li>
  );
}

// One file: its text, and a write (PUT) or an append (POST) of whatever is typed.
function FileView(props: { path: string }) {
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  const [draft, setDraft] = useState('');
  const [refusal, setRefusal] = useState('');
  const reload = async () => {
    if (isStream(props.path.split('/').pop()!)) {
      setText('');
      setStatus('a stream: follow it in the Live tab');
      return;
    }
    const reply = await request('GET', props.path);
    setText(reply.ok ? reply.text : '');
    setStatus(reply.ok ? `${reply.text.length} bytes` : `${reply.status} ${reply.text.trim()}`);
  };
  useEffect(() => {
    reload();
    setRefusal('');
  }, [props.path]);
  const send = async (append: boolean) => {
    const reply = await write(props.path, draft, append);
    setRefusal(reply.ok ? '' : `${reply.status} ${reply.text.trim()}`);
    reload();
  };
  return (
    <div class="file-view" data-testid="file-view">
      <div class="file-head">
        <strong>/{props.path}</strong> <span class="muted">{status}</span>
        <button onClick={reload}>reload</button>
      </div>
      <pre class="file-text">{text}</pre>
      <div class="file-write">
        <input aria-label="text to write" placeholder="text to write" value={draft}
               onInput={(e) => setDraft((e.target as HTMLInputElement).value)} />
        <button onClick={() => send(false)}>write</button>
        <button onClick={() => send(true)}>append</button>
      </div>
      {refusal && <div class="error" data-testid="refusal">{refusal}</div>}
    </div>
  );
}

export function FileBrowser(props: { root: string }) {
  const [selected, setSelected] = useState('');
  return (
    <div class="browser" data-testid="browser">
      <h2>/{props.root}</h2>
      <ul class="tree">
        <Directory path={props.root} name={props.root} depth={0} selected={selected}
                   onSelect={setSelected} />
      </ul>
      {selected && <FileView path={selected} />}
    </div>
  );
}
