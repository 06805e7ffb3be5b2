// The embed demo (embed-demo.html): drives the embedded Lab through postMessage.
//   request:  {otpLab: {id, call, args}}         (call: any window.otpLab call, or "on"/"off")
//   reply:    {otpLab: {id, result} | {id, error}}
//   event:    {otpLab: {event}}                   (for each event of a kind asked with "on")
const frame = document.getElementById('lab');
const labOrigin = new URL(frame.src, location.href).origin;
const pending = new Map();
let next = 0;

// Replies and events: only from the iframe's window and the Lab's origin.
window.addEventListener('message', (ev) => {
  if (ev.source !== frame.contentWindow || ev.origin !== labOrigin) return;
  const msg = ev.data && ev.data.otpLab;
  if (!msg || typeof msg !== 'object') return;
  if ('event' in msg) return showEvent(msg.event);
  const p = pending.get(msg.id);
  if (!p) return;
  pending.delete(msg.id);
  clearTimeout(p.timer);
  if ('error' in msg) p.reject(new Error(msg.error));
  else p.resolve(msg.result);
});

/** One call to the embedded Lab; rejects with the Lab's error or after `ms` without a reply. */
function lab(call, args, ms = 5000) {
  const id = ++next;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`${call}: no reply in ${ms} ms`));
    }, ms);
    pending.set(id, { resolve, reject, timer });
    frame.contentWindow.postMessage({ otpLab: { id, call, args } }, labOrigin);
  });
}

const events = document.getElementById('events');
function showEvent(e) {
  const li = document.createElement('li');
  const t = (e.at_us / 1e6).toFixed(3);
  li.textContent = e.kind === 'restart' ? `${t} s restart: ${e.child} (under ${e.supervisor})`
    : `${t} s ${e.kind}: ${e.description || JSON.stringify(e)}`;
  events.append(li);
  events.scrollTop = events.scrollHeight;
}

const answer = document.getElementById('answer');
async function show(promise) {
  try {
    answer.textContent = JSON.stringify(await promise, null, 2);
  } catch (e) {
    answer.textContent = `error: ${e.message}`;
  }
}

const buttons = ['kill', 'storm', 'run', 'status'].map((id) => document.getElementById(id));
const [kill, storm, run, status] = buttons;
kill.addEventListener('click', () => show(lab('kill', { pid: 'demo/counter_1' })));
storm.addEventListener('click', () => show((async () => {
  const out = [];
  for (let i = 0; i < 5; i++) {
    out.push(await lab('kill', { pid: 'demo/counter_1' }));
    await lab('run', { ms: 10 });
  }
  return lab('supervisor', { name: 'demo' });
})()));
run.addEventListener('click', () => show(lab('run', { ms: 1000 })));
status.addEventListener('click', () => show(lab('supervisor', { name: 'demo' })));

// The Lab listens once it is interactive (the iframe may still be loading): ask until it
// answers, then subscribe.
async function connect() {
  for (let i = 0; i < 100; i++) {
    try {
      await lab('status', null, 300);
      break;
    } catch (_) {
      /* not listening yet */
    }
  }
  for (const kind of ['restart', 'pattern', 'alert']) await lab('on', { kind });
  for (const b of buttons) b.disabled = false;
  document.getElementById('ready').textContent = 'Connected: the Lab answers.';
  document.body.dataset.connected = '1';
}
connect();
