// The page's only script: POST /jobs starts a job, GET /jobs/{id}/events streams its progress (Server-Sent Events).
'use strict';

// What the page showed, for people debugging it and for the browser test (ProgressPageBrowserTest reads it)
window.comfykit = { progressSeen: [], previewsShown: 0, state: 'idle', jobId: null, error: null };

const $ = (id) => document.getElementById(id);
let stream = null;

function setStatus(text, isError) {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : '';
}

function setProgress(percent, stepText) {
  $('progress').value = percent;
  $('step').textContent = stepText;
  window.comfykit.progressSeen.push(percent);
}

function reset() {
  if (stream) {
    stream.close();
    stream = null;
  }
  Object.assign(window.comfykit, { progressSeen: [], previewsShown: 0, state: 'starting', jobId: null, error: null });
  $('progress').value = 0;
  $('step').textContent = '';
  $('queue').textContent = '';
  for (const name of ['preview', 'result']) {
    $(name).hidden = true;
    $(name).removeAttribute('src');
    $(name + '-empty').hidden = false;
  }
  $('preview-caption').textContent = 'Previews appear here while the sampler runs.';
  $('result-caption').textContent = '';
}

function finish(state) {
  window.comfykit.state = state;
  $('generate').disabled = false;
  if (stream) {
    stream.close(); // else EventSource would reconnect to a job that has nothing more to say
    stream = null;
  }
}

function listen(jobId) {
  stream = new EventSource('/jobs/' + encodeURIComponent(jobId) + '/events');
  const on = (name, handle) => stream.addEventListener(name, (e) => handle(JSON.parse(e.data)));

  let position = null;
  let onServer = null;
  const showQueue = () => setStatus('Queued: position ' + position
      + (onServer === null ? '' : ' (' + onServer + ' prompt' + (onServer === 1 ? '' : 's') + ' on the server)'));
  on('queued', (d) => {
    window.comfykit.state = 'queued';
    position = d.position;
    showQueue();
  });
  on('submitted', (d) => {
    $('queue').textContent = 'ComfyUI prompt ' + d.promptId;
  });
  on('queue', (d) => {
    onServer = d.queueRemaining;
    if (window.comfykit.state === 'queued') {
      showQueue();
    }
  });
  on('started', () => {
    window.comfykit.state = 'running';
    setStatus('Running');
  });
  on('node', (d) => {
    if (window.comfykit.state === 'running') {
      setStatus('Running node ' + d.node);
    }
  });
  on('progress', (d) => {
    if (d.max > 1) { // a node with steps (the sampler); other nodes only report "started" and "finished"
      setProgress(Math.round(100 * d.value / d.max), 'step ' + d.value + ' / ' + d.max);
    }
  });
  on('preview', (d) => {
    $('preview').src = d.src;
    $('preview').hidden = false;
    $('preview-empty').hidden = true;
    $('preview-caption').textContent = 'Preview' + (d.step ? ' at step ' + d.step : '');
    window.comfykit.previewsShown++;
  });
  on('missed', (d) => {
    $('queue').textContent = 'Some progress may be missing: ' + d.reason;
  });
  on('done', (d) => {
    const img = $('result');
    img.onload = () => {
      img.hidden = false;
      $('result-empty').hidden = true;
      $('result-caption').textContent = img.naturalWidth + ' x ' + img.naturalHeight;
      setStatus('Done');
      finish('done');
    };
    img.src = d.image;
    setProgress(100, $('step').textContent);
  });
  on('failed', (d) => {
    window.comfykit.error = d.message;
    setStatus('Failed: ' + d.message, true);
    finish('failed');
  });
}

$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  reset();
  $('generate').disabled = true;
  setStatus('Sending...');
  try {
    const response = await fetch('/jobs', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: $('prompt').value,
    });
    if (!response.ok) {
      const reason = (await response.text()).trim();
      window.comfykit.error = reason;
      setStatus(reason, true);
      finish('refused');
      return;
    }
    const job = await response.json();
    window.comfykit.jobId = job.jobId;
    listen(job.jobId);
  } catch (e) {
    window.comfykit.error = String(e);
    setStatus('Could not reach the application: ' + e, true);
    finish('failed');
  }
});
