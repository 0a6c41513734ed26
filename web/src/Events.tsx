import { useEffect, useMemo, useState } from 'preact/hooks';
import { join, lines, read, write } from './api';

interface System {
  name: string;
  events: string[];
}

function group(available: string[]): System[] {
  const systems = new Map<string, string[]>();
  for (const line of available) {
    const [system, event] = line.split(':');
    if (!event) continue;
    if (!systems.has(system)) systems.set(system, []);
    systems.get(system)!.push(event);
  }
  return [...systems.entries()].map(([name, events]) => ({ name, events }));
}

// available_events as a tree of systems and events; set_event tells which are on.
export function Events(props: { base: string }) {
  const [systems, setSystems] = useState<System[]>([]);
  const [enabled, setEnabled] = useState(new Set<string>());
  const [open, setOpen] = useState(new Set<string>());
  const [search, setSearch] = useState('');
  const [error, setError] = useState('');
  const reload = async () => {
    const [available, set] = await Promise.all([
      read(join(props.base, 'available_events')),
      read(join(props.base, 'set_event')),
    ]);
    setSystems(group(lines(available)));
    setEnabled(new Set(lines(set)));
  };
  useEffect(() => {
    reload();
  }, []);

  const toggle = async (path: string, on: boolean) => {
    const reply = await write(join(props.base, `events/${path}/enable`), on ? '1' : '0');
    setError(reply.ok ? '' : reply.text.trim());
    reload();
  };
  const shown = useMemo(
    () =>
      systems
        .map((system) => ({
          ...system,
          events: system.events.filter((event) => `${system.name}:${event}`.includes(search)),
        }))
        .filter((system) => system.events.length > 0),
    [systems, search]);

  return (
    <div class="events" data-testid="events">
      <div class="toolbar">
        <input placeholder="search events" value={search}
               onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        <span class="muted">{enabled.size} enabled</span>
        {error && <span class="error" data-testid="refusal">{error}</span>}
      </div>
      <ul class="tree">
        {shown.map((system) => {
          const on = system.events.filter((event) => enabled.has(`${system.name}:${event}`)).length;
          const expanded = open.has(system.name) || search !== '';
          return (
            <li>
              <button class="twisty" onClick={() => {
                const next = new Set(open);
                next.has(system.name) ? next.delete(system.name) : next.add(system.name);
                setOpen(next);
              }}>{expanded ? '▾' : '▸'}</button>
              <label>
                <input type="checkbox" checked={on === system.events.length && on > 0}
                       ref={(box) => {
                         if (box) box.indeterminate = on > 0 && on < system.events.length;
                       }}
                       onChange={(e) => toggle(system.name, (e.target as HTMLInputElement).checked)} />
                {system.name} <span class="muted">({on}/{system.events.length})</span>
              </label>
              {expanded && (
                <ul>
                  {system.events.map((event) => (
                    <li>
                      <label>
                        <input type="checkbox" checked={enabled.has(`${system.name}:${event}`)}
                               onChange={(e) => toggle(`${system.name}/${event}`,
                                                       (e.target as HTMLInputElement).checked)} />
                        {event}
                      </label>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
