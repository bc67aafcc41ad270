"""What every request and every page shares: headers, CSRF, rate limits, error pages, form helpers."""
