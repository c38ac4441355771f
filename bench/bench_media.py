"""Benchmark of the media pipeline (issue 4). Run: `.venv/bin/python bench/bench_media.py`.

(a) normalising a 60 s 1080p phone clip: our pipeline vs a bare PyAV transcode with the same
    settings (target: ours ≤ 1.15× bare);
(b) transcription on a random-weight model with Whisper-small's dimensions, int8, a fixed number of
    decoded tokens per window: our pipeline vs bare CTranslate2 calls for the same windows
    (targets: ≤ 1.1× bare, real-time factor ≤ 0.25);
(c) text language tagging: accuracy per language on tests/media/data and calls per second.
Everything is generated here; nothing is downloaded but the openai-whisper sdist's tokenizer asset.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "media")]

from core.settings import Settings  # noqa: E402
from core.storage import LocalMediaStore  # noqa: E402
from media import normalise, pipeline, transcribe  # noqa: E402
from media.langtag import tag_text  # noqa: E402


def phone_clip(path: Path, seconds: int) -> Path:
    """1080p30 H.264 + AAC 44.1 kHz, moving content with sensor-like noise (what a phone records)."""
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 6, (1080, 1920, 3), dtype=np.uint8)  # mild sensor noise: ~phone bitrates
    x = np.linspace(0, 255, 1920, dtype=np.float32)
    with av.open(str(path), "w") as out:
        vs = out.add_stream("libx264", rate=30)
        vs.width, vs.height, vs.pix_fmt = 1920, 1080, "yuv420p"
        vs.options = {"preset": "ultrafast", "crf": "20"}
        aus = out.add_stream("aac", rate=44100, layout="stereo")
        for i in range(seconds * 30):
            row = ((x + i * 8) % 256).astype(np.uint8)
            frame = np.empty((1080, 1920, 3), np.uint8)
            frame[:] = row[None, :, None]
            frame[200 + (i % 400) : 400 + (i % 400), 600:900] = (220, 40, 40)
            frame += np.roll(noise, i * 7, axis=1)
            vf = av.VideoFrame.from_ndarray(frame, format="rgb24")
            vf.pts, vf.time_base = i, Fraction(1, 30)
            out.mux(vs.encode(vf))
        out.mux(vs.encode(None))
        t = np.arange(seconds * 44100) / 44100
        wave = (0.1 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 0.5 * t))).astype(np.float32)
        for start in range(0, len(wave), 1024):
            piece = wave[start : start + 1024]
            af = av.AudioFrame.from_ndarray(np.stack([piece, piece]), format="fltp", layout="stereo")
            af.sample_rate, af.pts, af.time_base = 44100, start, Fraction(1, 44100)
            out.mux(aus.encode(af))
        out.mux(aus.encode(None))
    return path


def bare_transcode(src: Path, dst: Path) -> None:
    """The same encode without our pipeline: same filters, same encoder settings, nothing else."""
    s = normalise.VideoSettings()
    with (
        av.open(str(src)) as inp,
        av.open(str(dst), "w", format="mp4", container_options={"movflags": "+faststart"}) as out,
    ):
        vin, ain = inp.streams.video[0], inp.streams.audio[0]
        vin.thread_type = "AUTO"
        vout = out.add_stream("libx264", rate=30)
        vout.width, vout.height, vout.pix_fmt = 1920, 1080, "yuv420p"
        vout.codec_context.gop_size = 60
        vout.options = {"preset": s.preset, "crf": str(s.crf), "profile": "high"}
        aout = out.add_stream("aac", rate=48000, layout="stereo")
        aout.bit_rate = s.audio_bitrate
        vg = av.filter.Graph()
        nodes = [vg.add_buffer(template=vin), vg.add("scale", "1920:1080:flags=bicubic"), vg.add("fps", "fps=30"),
                 vg.add("format", "yuv420p"), vg.add("buffersink")]
        for a, b in zip(nodes, nodes[1:], strict=False):
            a.link_to(b)
        vg.configure()
        ag = av.filter.Graph()
        anodes = [
            ag.add_abuffer(template=ain),
            ag.add("loudnorm", normalise.LOUDNORM),
            ag.add("aresample", "48000"),
            ag.add("aformat", "sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo"),
            ag.add("abuffersink"),
        ]
        for a, b in zip(anodes, anodes[1:], strict=False):
            a.link_to(b)
        ag.configure()
        ag.set_audio_frame_size(1024)
        counters = {"v": 0, "a": 0}

        def pull(graph: av.filter.Graph, stream: av.stream.Stream, key: str, base: int) -> None:
            while True:
                try:
                    f = graph.pull()
                except (BlockingIOError, EOFError, av.error.FFmpegError):
                    return
                f.pts, f.time_base = counters[key], Fraction(1, base)
                counters[key] += f.samples if key == "a" else 1
                out.mux(stream.encode(f))

        for frame in inp.decode(vin, ain):
            if isinstance(frame, av.VideoFrame):
                vg.push(frame)
                pull(vg, vout, "v", 30)
            else:
                ag.push(frame)
                pull(ag, aout, "a", 48000)
        vg.push(None)
        pull(vg, vout, "v", 30)
        ag.push(None)
        pull(ag, aout, "a", 48000)
        out.mux(vout.encode(None))
        out.mux(aout.encode(None))


def bench_normalise(work: Path, seconds: int, repeat: int) -> dict[str, float]:
    src = phone_clip(work / "phone.mp4", seconds)
    settings = Settings(data_dir=work / "data")
    store = LocalMediaStore(work / "store")
    bare, ours = [], []  # the original is stored at intake, before media.process: not counted
    for i in range(repeat):
        start = time.perf_counter()
        bare_transcode(src, work / f"bare{i}.mp4")
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = pipeline.run(src, work / f"ours{i}", settings=settings)
        for item in result.derived:
            store.put_file(item.path)
        ours.append(time.perf_counter() - start)
    return {"clip_seconds": seconds, "bare_s": round(min(bare), 2), "ours_s": round(min(ours), 2),
            "ratio": round(min(ours) / min(bare), 3)}


def bench_transcribe(work: Path, seconds: int, tokens: int, repeat: int) -> dict[str, float]:
    import ctranslate2
    import tiny_whisper
    from faster_whisper.audio import pad_or_trim
    from faster_whisper.feature_extractor import FeatureExtractor
    from faster_whisper.vad import collect_chunks, get_speech_timestamps
    from speechlike import speechlike

    model_dir = tiny_whisper.build_model(work / "small-random", ROOT / "var" / "whisper-assets",
                                         d_model=768, heads=12, layers=12, endless=True)
    audio = speechlike(seconds, seed=3)
    options = {"beam_size": 1, "max_new_tokens": tokens, "temperature": 0.0, "without_timestamps": True}
    transcribe.transcribe(audio[: 16000 * 5], model_dir=model_dir, **options)  # load and warm up

    # Bare: the same speech, the same 30 s windows, one encode, language on ≤3 windows, one generate.
    model = ctranslate2.models.Whisper(str(model_dir), device="cpu", compute_type="int8",
                                      intra_threads=max(1, os.cpu_count() or 1))  # as ours
    tokenizer = json.loads((model_dir / "tokenizer.json").read_text())["model"]["vocab"]
    prompt = [tokenizer[t] for t in ("<|startoftranscript|>", "<|en|>", "<|transcribe|>", "<|notimestamps|>")]
    speech, _ = collect_chunks(audio, get_speech_timestamps(audio))
    speech = np.concatenate(speech)
    extractor = FeatureExtractor()
    model.generate(ctranslate2.StorageView.from_array(np.zeros((1, 80, 3000), np.float32)), [prompt], max_length=8)

    def bare() -> int:
        windows = 0
        features = extractor(speech)
        content = features.shape[-1] - 1
        for seek in range(0, content, 3000):
            window = pad_or_trim(features[:, seek : seek + min(3000, content - seek)])
            encoded = model.encode(ctranslate2.StorageView.from_array(np.ascontiguousarray(window[None])))
            if windows < 3:
                model.detect_language(encoded)
            model.generate(encoded, [prompt], beam_size=1, max_length=len(prompt) + tokens, return_scores=True,
                           return_no_speech_prob=True, suppress_blank=True, suppress_tokens=[-1])
            windows += 1
        return windows

    # Alternate the two and keep each one's best run: other processes on the machine add noise.
    bare_runs, our_runs = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        windows = bare()
        bare_runs.append(time.perf_counter() - start)
        start = time.perf_counter()
        ours = transcribe.transcribe(audio, model_dir=model_dir, **options)
        our_runs.append(time.perf_counter() - start)
    bare_s, ours_s = min(bare_runs), min(our_runs)
    return {"audio_seconds": seconds, "windows": windows, "tokens_per_window": tokens, "bare_s": round(bare_s, 2),
            "ours_s": round(ours_s, 2), "ratio": round(ours_s / bare_s, 3), "rtf": round(ours_s / seconds, 3),
            "status": ours.status, "segments": len(ours.segments)}


def bench_langtag(rounds: int = 200) -> dict[str, object]:
    rows = []
    for line in (ROOT / "tests/media/data/lang_sentences.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            expected, text, _ = line.split("\t")
            rows.append((expected, text))
    per: dict[str, list[int]] = {}
    for expected, text in rows:
        want = "vi" if expected == "vi-nodiac" else expected
        per.setdefault(expected, []).append(int(tag_text(text).language == want))
    start = time.perf_counter()
    for _ in range(rounds):
        for _, text in rows:
            tag_text(text)
    rate = rounds * len(rows) / (time.perf_counter() - start)
    return {"accuracy": {k: f"{sum(v)}/{len(v)}" for k, v in per.items()},
            "overall": round(sum(map(sum, per.values())) / len(rows), 3), "calls_per_second": round(rate)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", choices=["normalise", "transcribe", "langtag"])
    args = parser.parse_args()
    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="bench-media-") as tmp:
        work = Path(tmp)
        if args.only in (None, "langtag"):
            report["langtag"] = bench_langtag()
            print(json.dumps({"langtag": report["langtag"]}), flush=True)
        if args.only in (None, "normalise"):
            report["normalise"] = bench_normalise(work, args.seconds, args.repeat)
            print(json.dumps({"normalise": report["normalise"]}), flush=True)
        if args.only in (None, "transcribe"):
            report["transcribe"] = bench_transcribe(work, args.seconds, args.tokens, max(2, args.repeat))
            print(json.dumps({"transcribe": report["transcribe"]}), flush=True)


if __name__ == "__main__":
    main()
