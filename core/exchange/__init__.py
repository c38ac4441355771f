"""Source information system out: approved items and daily airing figures pushed through a narrow port."""
