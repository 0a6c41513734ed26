import { useMemo, useState } from 'preact/hooks';
import { usecs } from './api';

// The gateway's /analysis/trace answer: the analysis core's results (docs/http-api.md).
interface CallJson {
  f: number;
  cpu: number;
  start_ns: number;
  duration_ns: number;
  self_ns: number;
  unfinished?: boolean;
  n?: number;
  children?: CallJson[];
}
interface TaskJson {
  id: number;
  pid: number;
  comm: string;
  cpu: number;
  n?: number;
  duration_ns: number; // over all its outer calls, sent or not
  calls: CallJson[];
}
interface Frame {
  name: string;
  self_ns: number;
  total_ns: number;
  children?: Frame[];
}
interface Result {
  tracer: string;
  stats: Record<string, number>;
  names: string[];
  tasks: TaskJson[];
  calls_written: number;
  calls_truncated: boolean;
  breakdown: { task: number; f: number; calls: number; self_ns: number }[];
  flame: Frame;
}

const taskLabel = (task: TaskJson) => (task.pid < 0 ? task.comm : `${task.comm}-${task.pid}`);
const kShowAtOnce = 200;
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function Children(props: { calls: CallJson[]; names: string[]; total?: number }) {
  const [limit, setLimit] = useState(kShowAtOnce);
  const missing = (props.total ?? props.calls.length) - props.calls.length;
  return (
    <ul>
      {props.calls.slice(0, limit).map((call) => <CallNode call={call} names={props.names} />)}
      {props.calls.length > limit && (
        <li><button class="more" onClick={() => setLimit(limit + kShowAtOnce)}>
          show {Math.min(kShowAtOnce, props.calls.length - limit)} more of {props.calls.length - limit}
        </button></li>
      )}
      {missing > 0 && <li class="muted">{plural(missing, 'more call')} not sent (max_calls)</li>}
    </ul>
  );
}

function CallNode(props: { call: CallJson; names: string[] }) {
  const { call } = props;
  const [open, setOpen] = useState(false);
  const children = call.children ?? [];
  // `n`: the children it has when the gateway's budget did not send them all (maybe none).
  const count = call.n ?? children.length;
  return (
    <li class="call">
      <button class="twisty" disabled={count === 0} onClick={() => setOpen(!open)}>
        {count === 0 ? '·' : open ? '▾' : '▸'}
      </button>
      <span class="fn">{props.names[call.f]}</span>{' '}
      <span class="dur">{usecs(call.duration_ns)}</span>{' '}
      <span class="muted">self {usecs(call.self_ns)} · cpu {call.cpu}
        {count > 0 ? ` · ${plural(count, 'call')}` : ''}
        {call.unfinished ? ' · unfinished' : ''}</span>
      {open && <Children calls={children} names={props.names} total={call.n} />}
    </li>
  );
}

function CallTree(props: { result: Result }) {
  const tasks = props.result.tasks.filter((task) => (task.n ?? task.calls.length) > 0);
  if (tasks.length === 0)
    return <p class="muted">no calls in this trace: the call tree needs function_graph or function_duration.</p>;
  return (
    <ul class="tree call-tree" data-testid="call-tree">
      {tasks.map((task) => <TaskNode task={task} names={props.result.names} />)}
    </ul>
  );
}

function TaskNode(props: { task: TaskJson; names: string[] }) {
  const [open, setOpen] = useState(true);
  return (
    <li class="task">
      <button class="twisty" onClick={() => setOpen(!open)}>{open ? '▾' : '▸'}</button>
      <strong>{taskLabel(props.task)}</strong>{' '}
      <span class="muted">{plural(props.task.n ?? props.task.calls.length, 'outer call')} · {usecs(props.task.duration_ns)}</span>
      {open && <Children calls={props.task.calls} names={props.names} total={props.task.n} />}
    </li>
  );
}

// Self time per function per task, as bars; unticked functions leave the bars and the
// percentages.
function Breakdown(props: { result: Result }) {
  const { result } = props;
  const [hidden, setHidden] = useState(new Set<number>());
  const [limit, setLimit] = useState(20);
  const functions = useMemo(() => {
    const totals = new Map<number, number>();
    for (const row of result.breakdown) totals.set(row.f, (totals.get(row.f) ?? 0) + row.self_ns);
    return [...totals.entries()].sort((a, b) => b[1] - a[1]);
  }, [result]);
  if (functions.length === 0) return <p class="muted">no calls with durations in this trace.</p>;
  const toggle = (f: number) => {
    const next = new Set(hidden);
    next.has(f) ? next.delete(f) : next.add(f);
    setHidden(next);
  };
  return (
    <div class="breakdown" data-testid="breakdown">
      <div class="function-toggles">
        {functions.slice(0, limit).map(([f, ns]) => (
          <label class="toggle">
            <input type="checkbox" checked={!hidden.has(f)} onChange={() => toggle(f)} />
            {result.names[f]} <span class="muted">{usecs(ns)}</span>
          </label>
        ))}
        {functions.length > limit && (
          <button class="more" onClick={() => setLimit(limit + 40)}>{functions.length - limit} more functions</button>
        )}
        <button class="more" onClick={() => setHidden(new Set())}>show all</button>
      </div>
      {result.tasks.map((task) => {
        const rows = result.breakdown.filter((row) => row.task === task.id && !hidden.has(row.f));
        if (rows.length === 0) return null;
        const sum = rows.reduce((total, row) => total + row.self_ns, 0);
        const max = Math.max(...rows.map((row) => row.self_ns), 1);
        return (
          <section class="task-bars" data-task={taskLabel(task)}>
            <h4>{taskLabel(task)} <span class="muted">{usecs(sum)} self time</span></h4>
            {rows.slice(0, 25).map((row) => (
              <div class="bar-row">
                <span class="bar-name">{result.names[row.f]}</span>
                <span class="bar" style={{ width: `${(row.self_ns / max) * 60}%` }} />
                <span class="bar-value">
                  {usecs(row.self_ns)} · {((row.self_ns / Math.max(sum, 1)) * 100).toFixed(1)}% · {row.calls}×
                </span>
              </div>
            ))}
          </section>
        );
      })}
    </div>
  );
}

interface Box {
  frame: Frame;
  path: Frame[];
  x: number;
  w: number;
  depth: number;
}

// Callers below callees; a click zooms into a frame, its callers kept full width below it.
function FlameGraph(props: { result: Result }) {
  const root = props.result.flame;
  const [focus, setFocus] = useState<Frame[]>([root]);
  const boxes = useMemo(() => {
    const out: Box[] = [];
    focus.slice(0, -1).forEach((frame, depth) =>
      out.push({ frame, path: focus.slice(0, depth + 1), x: 0, w: 1, depth }));
    const place = (frame: Frame, path: Frame[], x: number, w: number, depth: number) => {
      if (w < 0.001) return;
      out.push({ frame, path, x, w, depth });
      let offset = x;
      for (const child of frame.children ?? []) {
        const cw = (child.total_ns / Math.max(frame.total_ns, 1)) * w;
        place(child, [...path, child], offset, cw, depth + 1);
        offset += cw;
      }
    };
    const top = focus[focus.length - 1];
    place(top, focus, 0, 1, focus.length - 1);
    return out;
  }, [focus]);
  if (root.total_ns === 0) return <p class="muted">no self time in this trace.</p>;
  const depth = Math.max(...boxes.map((box) => box.depth)) + 1;
  return (
    <div data-testid="flame">
      <div class="muted">click a frame to zoom; click the bottom frame to zoom out</div>
      <div class="flame" style={{ height: `${depth * 18}px` }}>
        {boxes.map((box) => (
          <div class="frame" title={`${box.frame.name}: ${usecs(box.frame.total_ns)} ` +
                                    `(${((box.frame.total_ns / root.total_ns) * 100).toFixed(1)}%)`}
               style={{ left: `${box.x * 100}%`, width: `${box.w * 100}%`, bottom: `${box.depth * 18}px`,
                        background: `hsl(${20 + ((box.frame.name.length * 37) % 40)}, 85%, ${55 + (box.depth % 3) * 6}%)` }}
               onClick={() => setFocus(box.path.length > 1 && box.path === focus ? focus.slice(0, -1) : box.path)}>
            {box.frame.name}
          </div>
        ))}
      </div>
    </div>
  );
}

const kViews = ['Call tree', 'Breakdown', 'Flame graph'] as const;

export function Analysis(props: { instance: string }) {
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [view, setView] = useState<(typeof kViews)[number]>('Call tree');
  const analyse = async () => {
    setBusy(true);
    const query = props.instance ? `?instance=${encodeURIComponent(props.instance)}` : '';
    try {
      const response = await fetch('/analysis/trace' + query);
      if (response.ok) {
        setResult(await response.json());
        setError('');
      } else {
        setError(`${response.status} ${(await response.text()).trim()}`);
      }
    } catch (failure) {
      setError(`the gateway did not answer (${failure})`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="analysis" data-testid="analysis">
      <div class="toolbar">
        <button onClick={analyse} disabled={busy}>{busy ? 'analysing…' : 'analyse trace'}</button>
        <span class="muted">reads {props.instance ? `instances/${props.instance}/` : ''}trace (it does not consume)</span>
        {error && <span class="error" data-testid="refusal">{error}</span>}
      </div>
      {result && (
        <>
          <p class="summary" data-testid="analysis-summary">
            tracer {result.tracer} · {result.stats.lines} lines · {result.stats.calls} calls ·{' '}
            {result.stats.lost_events} lost events
            {result.calls_truncated ? ` · call tree cut at ${result.calls_written} calls` : ''}
          </p>
          <nav class="tabs small">
            {kViews.map((name) => (
              <button class={view === name ? 'active' : ''} onClick={() => setView(name)}>{name}</button>
            ))}
          </nav>
          {view === 'Call tree' && <CallTree result={result} />}
          {view === 'Breakdown' && <Breakdown result={result} />}
          {view === 'Flame graph' && <FlameGraph result={result} />}
        </>
      )}
    </div>
  );
}
