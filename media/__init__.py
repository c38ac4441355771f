"""Media pipeline: PyAV probe/normalise/posters, faster-whisper transcription, language tags, subtitles, tasks."""
