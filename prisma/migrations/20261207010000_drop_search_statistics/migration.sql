-- Searches read stored vectors (record_search), so the statistics on the expression that computed
-- them from the fields go. The start-up pass that dropped them is now a per-dataset job.
DROP STATISTICS IF EXISTS record_stats_search;
