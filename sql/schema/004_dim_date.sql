-- The calendar, 1990-01-01 .. 2060-12-31, written once.
INSERT INTO dim_date
SELECT
  CAST(year(d) * 10000 + month(d) * 100 + day(d) AS INTEGER) AS date_key,
  d AS date,
  year(d) AS year,
  quarter(d) AS quarter,
  month(d) AS month,
  monthname(d) AS month_name,
  day(d) AS day,
  isodow(d) AS day_of_week,
  dayname(d) AS day_name,
  isoyear(d) AS iso_year,
  week(d) AS iso_week,
  CAST(date_trunc('week', d) AS DATE) AS week_start,
  CAST(date_trunc('month', d) AS DATE) AS month_start,
  CAST(date_trunc('quarter', d) AS DATE) AS quarter_start,
  isodow(d) >= 6 AS is_weekend
FROM (SELECT CAST(range AS DATE) AS d FROM range(DATE '1990-01-01', DATE '2061-01-01', INTERVAL 1 DAY))
WHERE NOT EXISTS (SELECT 1 FROM dim_date);
