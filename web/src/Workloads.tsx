import { useEffect, useState } from 'preact/hooks';
import { lines, read, write } from './api';

// /workloads/: pick one of `available`, run it (the write returns when the run is over),
// and read `last` back.
export function Workloads() {
  const [available, setAvailable] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [args, setArgs] = useState('');
  const [running, setRunning] = useState(false);
  const [last, setLast] = useState('');
  const [error, setError] = useState('');
  const readLast = async () => setLast(await read('workloads/last'));
  useEffect(() => {
    read('workloads/available').then((text) => {
      const names = lines(text).map((line) => line.split(/\s/)[0]);
      setAvailable(names);
      setName(names[0] ?? '');
    });
    readLast();
  }, []);

  const run = async () => {
    setRunning(true);
    setError('');
    const reply = await write('workloads/run', args.trim() ? `${name} ${args.trim()}` : name);
    setRunning(false);
    if (!reply.ok) setError(reply.text.trim());
    readLast();
  };

  return (
    <div class="workloads" data-testid="workloads">
      <div class="toolbar">
        <select aria-label="workload" value={name}
                onChange={(e) => setName((e.target as HTMLSelectElement).value)}>
          {available.map((entry) => <option value={entry}>{entry}</option>)}
        </select>
        <input aria-label="arguments" placeholder="iterations (optional)" value={args}
               onInput={(e) => setArgs((e.target as HTMLInputElement).value)} />
        <button disabled={!name || running} onClick={run}>{running ? 'running…' : 'run'}</button>
        {error && <span class="error" data-testid="refusal">{error}</span>}
      </div>
      <h3>last run</h3>
      <table class="last" data-testid="workload-last">
        <tbody>
          {lines(last).map((line) => {
            const colon = line.indexOf(':');
            return (
              <tr>
                <th>{line.slice(0, colon)}</th>
                <td>{line.slice(colon + 1).trim()}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
