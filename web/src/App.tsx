import { useEffect, useState } from 'preact/hooks';
import { onError, request } from './api';
import { Analysis } from './Analysis';
import { Controls } from './Controls';
import { Events } from './Events';
import { FileBrowser } from './FileBrowser';
import { Instances } from './Instances';
import { LiveView } from './LiveView';
import { Workloads } from './Workloads';

const kTabs = ['Controls', 'Events', 'Workloads', 'Live', 'Analysis'] as const;
type Tab = (typeof kTabs)[number];

function GuestStatus() {
  const [up, setUp] = useState<boolean | null>(null);
  useEffect(() => {
    const check = async () => {
      try {
        setUp((await fetch('/healthz')).ok);
      } catch {
        setUp(false);
      }
    };
    check();
    const timer = setInterval(check, 5000);
    return () => clearInterval(timer);
  }, []);
  const text = up === null ? 'checking…' : up ? 'guest up' : 'guest down';
  return <span class={`status ${up ? 'up' : 'down'}`} data-testid="guest-status">{text}</span>;
}

// The latest refusal, whichever control caused it, until dismissed.
function ErrorBar() {
  const [message, setMessage] = useState('');
  useEffect(() => onError(setMessage), []);
  if (!message) return null;
  return (
    <div class="error-bar" role="alert" data-testid="error-bar">
      <span>{message}</span>
      <button onClick={() => setMessage('')}>dismiss</button>
    </div>
  );
}

export function App() {
  const [tab, setTab] = useState<Tab>('Controls');
  const [instance, setInstance] = useState('');
  const base = instance ? `tracing/instances/${instance}` : 'tracing';
  // A removed instance leaves the selection pointing nowhere: fall back to the top one.
  useEffect(() => {
    if (!instance) return;
    request('GET', base + '/').then((reply) => !reply.ok && setInstance(''));
  }, [instance]);

  return (
    <div class="page">
      <header>
        <h1>tracegate</h1>
        <GuestStatus />
        <Instances selected={instance} onSelect={setInstance} />
      </header>
      <div class="layout">
        <aside>
          <FileBrowser key={base} root={base} />
        </aside>
        <main>
          <nav class="tabs" role="tablist">
            {kTabs.map((name) => (
              <button role="tab" aria-selected={tab === name} class={tab === name ? 'active' : ''}
                      onClick={() => setTab(name)}>
                {name}
              </button>
            ))}
          </nav>
          <div class="tab-body">
            {tab === 'Controls' && <Controls key={base} base={base} />}
            {tab === 'Events' && <Events key={base} base={base} />}
            {tab === 'Workloads' && <Workloads />}
            {tab === 'Analysis' && <Analysis key={base} instance={instance} />}
            {/* The live view keeps its stream and lines while other tabs are shown. */}
            <div hidden={tab !== 'Live'}>
              <LiveView key={base} base={base} />
            </div>
          </div>
        </main>
      </div>
      <ErrorBar />
    </div>
  );
}
