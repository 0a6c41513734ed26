import { useEffect, useMemo, useRef, useState } from 'preact/hooks';

const kRowHeight = 18;
const kMaxLines = 200_000;  // past this the oldest lines go, in blocks
const kDropBlock = 20_000;

const isLost = (line: string) => / \[LOST \d+ EVENTS\]/.test(line);

// Which CPU wrote a line, for its colour only: the context column "[001]", the graph
// column " 1)" or a lost-events mark. The page analyses nothing itself.
function cpuOf(line: string): number {
  const match = /\[(\d{3})\]/.exec(line) ?? /^\s*(\d+)\)/.exec(line) ?? /^CPU:(\d+)/.exec(line);
  return match ? Number(match[1]) : -1;
}

// Lines by sequence number (the first kept is `dropped`); a search keeps the sequence
// numbers that match, lost-event marks always among them.
class LineStore {
  lines: string[] = [];
  dropped = 0;
  lost: string[] = [];
  term = '';
  matches: number[] = [];

  append(batch: string[]) {
    for (const line of batch) {
      const seq = this.dropped + this.lines.length;
      this.lines.push(line);
      const lost = isLost(line);
      if (lost) this.lost.push(line);
      if (this.term && (lost || line.includes(this.term))) this.matches.push(seq);
    }
    if (this.lines.length > kMaxLines) {
      this.lines.splice(0, kDropBlock);
      this.dropped += kDropBlock;
      const first = this.matches.findIndex((seq) => seq >= this.dropped);
      this.matches.splice(0, first < 0 ? this.matches.length : first);
    }
  }
  search(term: string) {
    this.term = term;
    this.matches = [];
    if (!term) return;
    this.lines.forEach((line, i) => {
      if (isLost(line) || line.includes(term)) this.matches.push(this.dropped + i);
    });
  }
  clear() {
    this.dropped += this.lines.length;
    this.lines = [];
    this.matches = [];
    this.lost = [];
  }
  rows(): number {
    return this.term ? this.matches.length : this.lines.length;
  }
  row(index: number): string {
    const seq = this.term ? this.matches[index] : this.dropped + index;
    return this.lines[seq - this.dropped] ?? '';
  }
}

// trace_pipe followed live: it consumes, as `cat trace_pipe` does. Pausing freezes the
// view while lines keep arriving; resuming shows them.
export function LiveView(props: { base: string }) {
  const store = useRef(new LineStore()).current;
  const held = useRef<string[]>([]);
  const incoming = useRef<string[]>([]);
  const frame = useRef(0);
  const abort = useRef<AbortController | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const [, setTick] = useState(0);
  const [streaming, setStreaming] = useState(false);
  const [paused, setPaused] = useState(false);
  const pausedRef = useRef(false);
  const [error, setError] = useState('');
  const [term, setTerm] = useState('');
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(480);
  const [rate, setRate] = useState(0);
  const counted = useRef(0);

  const flush = () => {
    frame.current = 0;
    const batch = incoming.current;
    incoming.current = [];
    if (pausedRef.current) held.current.push(...batch);
    else store.append(batch);
    setTick((n) => n + 1);
  };
  const receive = (batch: string[]) => {
    incoming.current.push(...batch);
    counted.current += batch.length;
    if (!frame.current) frame.current = requestAnimationFrame(flush);
  };

  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setError('');
    setStreaming(true);
    try {
      const response = await fetch(`/${props.base}/trace_pipe`, { signal: controller.signal });
      if (!response.ok || !response.body) {
        setError(`${response.status} ${(await response.text()).trim()}`);
        return;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let carry = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const parts = (carry + decoder.decode(value, { stream: true })).split('\n');
        carry = parts.pop()!;
        receive(parts);
      }
      if (carry) receive([carry]);
    } catch (failure) {
      if (!controller.signal.aborted) setError(`the stream ended: ${failure}`);
    } finally {
      if (abort.current === controller) abort.current = null;
      setStreaming(false);
    }
  };
  const stop = () => abort.current?.abort();
  useEffect(() => () => abort.current?.abort(), []);

  useEffect(() => {
    const timer = setInterval(() => {
      setRate(counted.current);
      counted.current = 0;
    }, 1000);
    return () => clearInterval(timer);
  }, []);

  const togglePause = () => {
    pausedRef.current = !pausedRef.current;
    setPaused(pausedRef.current);
    if (!pausedRef.current) {
      store.append(held.current);
      held.current = [];
      follow.current = true;
      setTick((n) => n + 1);
    }
  };

  useMemo(() => store.search(term), [term]);

  // Keep the newest line in view unless the reader scrolled up.
  useEffect(() => {
    const box = scroller.current;
    if (box && follow.current) box.scrollTop = box.scrollHeight;
  });
  useEffect(() => {
    const box = scroller.current;
    if (!box) return;
    const observer = new ResizeObserver(() => setHeight(box.clientHeight || 480));
    observer.observe(box);
    return () => observer.disconnect();
  }, []);

  const rows = store.rows();
  const first = Math.max(0, Math.floor(scrollTop / kRowHeight) - 5);
  const last = Math.min(rows, Math.ceil((scrollTop + height) / kRowHeight) + 5);
  const visible = [];
  for (let i = first; i < last; ++i) {
    const line = store.row(i);
    const cpu = cpuOf(line);
    visible.push(
      <div class={`row cpu${cpu < 0 ? 'x' : cpu % 8}${isLost(line) ? ' lost' : ''}`}
           style={{ top: `${i * kRowHeight}px` }}>{line}</div>);
  }

  return (
    <div class="live" data-testid="live">
      <div class="toolbar">
        {streaming ? <button onClick={stop}>stop</button> : <button onClick={start}>start</button>}
        <button disabled={!streaming && !paused} onClick={togglePause}>
          {paused ? 'resume' : 'pause'}
        </button>
        <button onClick={() => {
          store.clear();
          held.current = [];
          setTick((n) => n + 1);
        }}>clear</button>
        <input type="search" placeholder="search" value={term}
               onInput={(e) => setTerm((e.target as HTMLInputElement).value)} />
        <span class="muted" data-testid="live-count">
          {store.lines.length} lines{term ? `, ${rows} shown` : ''}
        </span>
        <span class="muted">{rate} lines/s</span>
        {paused && <span class="held" data-testid="live-held">paused: {held.current.length} new lines held</span>}
        {error && <span class="error" data-testid="refusal">{error}</span>}
      </div>
      {store.lost.length > 0 && (
        <div class="lost-banner" data-testid="live-lost">
          {store.lost.length} lost-event marks; latest: {store.lost[store.lost.length - 1]}
        </div>
      )}
      <div class="live-lines" ref={scroller}
           onScroll={(e) => {
             const box = e.target as HTMLDivElement;
             setScrollTop(box.scrollTop);
             follow.current = box.scrollTop + box.clientHeight >= box.scrollHeight - kRowHeight;
           }}>
        <div class="live-spacer" style={{ height: `${rows * kRowHeight}px` }}>{visible}</div>
      </div>
    </div>
  );
}
