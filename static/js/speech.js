// Reading aloud with the browser's own speech synthesis, for people who read with
// difficulty: a Dutch voice on a Dutch page, an English one on an English page. Where the
// browser cannot speak, or has no voice for the language, the button says so in words.
//
// One text at a time on a page: pressing another "Read aloud" stops the first; the pressed
// button becomes "Stop reading" until the text is done.
import { setText } from "./dom.js";
import { lang, t } from "./i18n.js";

// Chrome fills its list of voices a moment after the page loads ("voiceschanged").
const VOICE_WAIT_MS = 1500;
// Chrome stops one long utterance after about fifteen seconds: speak in short pieces.
const PIECE = 220;

function synthesis() {
  const speech = window.speechSynthesis;
  return speech && typeof window.SpeechSynthesisUtterance === "function" ? speech : null;
}

// The best voice for a language ("nl"), picked by the prefix of its tag ("nl-NL", "nl_BE"):
// one on the device before one over the network, the browser's default first among equals.
export function voiceFor(voices, language = lang) {
  const prefix = (voice) => String(voice.lang || "").toLowerCase().split(/[-_]/)[0];
  const score = (voice) => (voice.localService ? 2 : 0) + (voice.default ? 1 : 0);
  return voices.filter((v) => prefix(v) === language).sort((a, b) => score(b) - score(a))[0] || null;
}

function voices(speech) {
  const now = speech.getVoices() || [];
  if (now.length) return Promise.resolve(now);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      if (speech.removeEventListener) speech.removeEventListener("voiceschanged", done);
      resolve(speech.getVoices() || []);
    };
    const timer = setTimeout(done, VOICE_WAIT_MS);
    if (speech.addEventListener) speech.addEventListener("voiceschanged", done);
  });
}

// The text in pieces of at most PIECE characters, cut after a sentence where it can.
export function pieces(text) {
  const out = [];
  for (const line of String(text).split(/\n+/).map((l) => l.trim()).filter(Boolean)) {
    let piece = "";
    for (const sentence of line.match(/[^.!?]+[.!?]*\s*/g) || [line]) {
      if (piece && piece.length + sentence.length > PIECE) {
        out.push(piece.trim());
        piece = "";
      }
      piece += sentence;
    }
    if (piece.trim()) out.push(piece.trim());
  }
  return out;
}

function noVoiceText() {
  return lang === "en"
    ? t("This browser has no English voice, so it cannot read aloud. Try another browser, or add an English voice in your phone's settings.")
    : t("This browser has no Dutch voice, so it cannot read aloud. Try another browser, or add a Dutch voice in your phone's settings.");
}

let current = null; // {button, status, label} of the text being read

function showReading(button, reading) {
  const label = button.querySelector(".read-label");
  setText(label, reading ? t("Stop reading") : t("Read aloud"));
  button.classList.toggle("reading", reading);
}

// Stop whatever is being read (a new step, another button, or the Stop button).
export function stopReading() {
  const speech = synthesis();
  if (current) {
    showReading(current.button, false);
    setText(current.status, "");
    current = null;
  }
  if (speech) speech.cancel();
}

async function read(button, status, text) {
  const speech = synthesis();
  if (!speech) {
    setText(status, t("This browser cannot read aloud. Try another browser."));
    return;
  }
  const voice = voiceFor(await voices(speech));
  if (!voice) {
    setText(status, noVoiceText());
    return;
  }
  const parts = pieces(text);
  if (!parts.length) return;
  const mine = { button, status };
  current = mine;
  showReading(button, true);
  setText(status, t("Reading aloud…"));
  const finish = (message = "") => {
    if (current !== mine) return;
    current = null;
    showReading(button, false);
    setText(status, message);
  };
  parts.forEach((part, index) => {
    const utterance = new window.SpeechSynthesisUtterance(part);
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.rate = 0.95;
    if (index === parts.length - 1) utterance.onend = () => finish();
    utterance.onerror = (event) => {
      // Stopping on purpose ends the utterance with "interrupted" or "canceled".
      if (event && (event.error === "interrupted" || event.error === "canceled")) return;
      finish(t("Reading aloud stopped: the browser could not go on."));
    };
    speech.speak(utterance);
  });
}

// A "Read aloud" button: `text()` gives what to read when it is pressed; `status` (an
// element with role=status) says what happens, or why nothing can.
export function readAloud(button, status, text) {
  button.addEventListener("click", () => {
    const again = current && current.button === button;
    stopReading();
    if (!again) read(button, status, text());
  });
}
