"""Reports made from the records: annual, quarterly and ad hoc reports, the inspection export, royalties."""
