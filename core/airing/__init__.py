"""Where and when content airs: clusters, boards, windows, plans, manifests, plays, health, emergencies, compliance."""
