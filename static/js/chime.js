// When the time is up: a soft chime (two short tones made with WebAudio, no sound file) and a
// short vibration. Browsers allow sound and vibration only after the person has touched or
// typed on the page; until then the page stays quiet (the banner and the screen reader's
// announcement still come).
let audio = null; // the AudioContext, made at the first touch
let touched = false;

function wake() {
  touched = true;
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  try {
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume();
  } catch {
    audio = null; // no sound on this device: vibration and words remain
  }
}

// Listen for the first touch or key (and later ones: a phone suspends sound in the background).
export function listenForTouch() {
  for (const type of ["pointerdown", "keydown"]) {
    window.addEventListener(type, wake, { capture: true, passive: true });
  }
}

function tone(frequency, start, length) {
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = "sine";
  osc.frequency.value = frequency;
  // Soft: a quick rise to a low volume, then a slow fade, like a small bell.
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.15, start + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
  osc.connect(gain).connect(audio.destination);
  osc.start(start);
  osc.stop(start + length + 0.05);
}

// The chime: true when it could sound. A suspended context would play it late, when it
// wakes: then nothing is scheduled.
export function chime() {
  if (!audio || audio.state !== "running") return false;
  const now = audio.currentTime;
  tone(659.25, now, 1.2); // E5
  tone(987.77, now + 0.2, 1.4); // B5
  return true;
}

// A short double buzz where the phone allows it (never before the person touched the page).
export function vibrate() {
  const active = navigator.userActivation ? navigator.userActivation.hasBeenActive : touched;
  if (!active || typeof navigator.vibrate !== "function") return false;
  try {
    return navigator.vibrate([200, 100, 200]);
  } catch {
    return false;
  }
}
