import { useEffect, useMemo, useState } from 'preact/hooks';
import { join, lines, list, read, write } from './api';

// A write whose refusal is shown beside the control that made it, in the gateway's words.
function useWrite(after: () => void): [string, (path: string, body: string, append?: boolean) => Promise<boolean>] {
  const [error, setError] = useState('');
  const run = async (path: string, body: string, append = false) => {
    const reply = await write(path, body, append);
    setError(reply.ok ? '' : reply.text.trim());
    after();
    return reply.ok;
  };
  return [error, run];
}

function Refusal(props: { text: string }) {
  return props.text ? <span class="error" data-testid="refusal">{props.text}</span> : null;
}

interface State {
  tracers: string[];
  tracer: string;
  on: boolean;
  bufferKb: string;
  filter: string[];
  options: { name: string; on: boolean }[];
}

async function load(base: string): Promise<State> {
  const [tracers, tracer, on, bufferKb, filter, optionNames, optionState] = await Promise.all([
    read(join(base, 'available_tracers')),
    read(join(base, 'current_tracer')),
    read(join(base, 'tracing_on')),
    read(join(base, 'buffer_size_kb')),
    read(join(base, 'set_ftrace_filter')),
    list(join(base, 'options')),
    read(join(base, 'trace_options')),
  ]);
  const enabled = new Set(lines(optionState));
  return {
    tracers: tracers.split(/\s+/).filter(Boolean),
    tracer: tracer.trim(),
    on: on.trim() === '1',
    bufferKb: bufferKb.trim(),
    filter: lines(filter).filter((line) => !line.startsWith('#')),
    options: optionNames
      .filter((name) => !name.endsWith('/'))
      .map((name) => ({ name, on: enabled.has(name) })),
  };
}

// Completion for set_ftrace_filter: the functions the kernel can trace, matched as typed.
function useFunctions(): string[] {
  const [functions, setFunctions] = useState<string[]>([]);
  useEffect(() => {
    read('tracing/available_filter_functions').then((text) =>
      setFunctions(lines(text).map((line) => line.split(/\s/)[0])));
  }, []);
  return functions;
}

function FilterControl(props: { base: string; filter: string[]; reload: () => void }) {
  const functions = useFunctions();
  const [draft, setDraft] = useState('');
  const [error, run] = useWrite(props.reload);
  const suggestions = useMemo(() => {
    if (!draft) return [];
    const stem = draft.replace(/[*?[\]!]/g, '');
    return functions.filter((name) => name.includes(stem)).slice(0, 50);
  }, [draft, functions]);
  const path = join(props.base, 'set_ftrace_filter');
  return (
    <div class="control filter" data-testid="filter">
      <label for="filter-input">set_ftrace_filter</label>
      <div>
        <input id="filter-input" list="filter-functions" value={draft} placeholder="kmalloc*"
               onInput={(e) => setDraft((e.target as HTMLInputElement).value)} />
        <datalist id="filter-functions">
          {suggestions.map((name) => <option value={name} />)}
        </datalist>
        <button disabled={!draft} onClick={() => run(path, draft, true)}>add</button>
        <button disabled={!draft} onClick={() => run(path, draft)}>replace</button>
        <button onClick={() => run(path, '')}>clear</button>
        <Refusal text={error} />
        <div class="chips">
          {props.filter.length === 0 && <span class="muted">all functions enabled</span>}
          {props.filter.map((name) => (
            <span class="chip">
              {name}
              <button title="remove" onClick={() => run(path, '!' + name.split(':')[0], true)}>×</button>
            </span>
          ))}
        </div>
        <div class="muted">{functions.length} functions can be traced</div>
      </div>
    </div>
  );
}

export function Controls(props: { base: string }) {
  const [state, setState] = useState<State | null>(null);
  const [bufferDraft, setBufferDraft] = useState('');
  const reload = () =>
    load(props.base).then((next) => {
      setState(next);
      setBufferDraft(next.bufferKb);
    });
  useEffect(() => {
    reload();
  }, []);
  const [tracerError, writeTracer] = useWrite(reload);
  const [onError, writeOn] = useWrite(reload);
  const [bufferError, writeBuffer] = useWrite(reload);
  const [optionError, writeOption] = useWrite(reload);
  const [clearError, writeClear] = useWrite(reload);
  if (!state) return <div class="muted">loading…</div>;
  const file = (name: string) => join(props.base, name);

  return (
    <div class="controls" data-testid="controls">
      <div class="control">
        <label for="tracer">current_tracer</label>
        <div>
          <select id="tracer" value={state.tracer} data-current={state.tracer}
                  onChange={(e) => writeTracer(file('current_tracer'), (e.target as HTMLSelectElement).value)}>
            {state.tracers.map((name) => <option value={name}>{name}</option>)}
          </select>
          <Refusal text={tracerError} />
        </div>
      </div>
      <div class="control">
        <label for="tracing-on">tracing_on</label>
        <div>
          <label class="switch">
            <input id="tracing-on" type="checkbox" checked={state.on}
                   onChange={(e) => writeOn(file('tracing_on'), (e.target as HTMLInputElement).checked ? '1' : '0')} />
            <span>{state.on ? 'on' : 'off'}</span>
          </label>
          <Refusal text={onError} />
        </div>
      </div>
      <div class="control">
        <label>trace</label>
        <div>
          <button onClick={() => writeClear(file('trace'), '')}>clear the buffer</button>
          <Refusal text={clearError} />
        </div>
      </div>
      <div class="control">
        <label for="buffer-size">buffer_size_kb</label>
        <div>
          <input id="buffer-size" type="number" min="1" value={bufferDraft}
                 onInput={(e) => setBufferDraft((e.target as HTMLInputElement).value)} />
          <button onClick={() => writeBuffer(file('buffer_size_kb'), bufferDraft)}>apply</button>
          <span class="muted"> KiB per CPU</span>
          <Refusal text={bufferError} />
        </div>
      </div>
      <FilterControl base={props.base} filter={state.filter} reload={reload} />
      <div class="control">
        <label>options</label>
        <div>
          <Refusal text={optionError} />
          <div class="options">
            {state.options.map((option) => (
              <label class="switch">
                <input type="checkbox" checked={option.on}
                       onChange={(e) => writeOption(file('options/' + option.name),
                                                    (e.target as HTMLInputElement).checked ? '1' : '0')} />
                <span>{option.name}</span>
              </label>
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}
