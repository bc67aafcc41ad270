"""Reports: what the program tells its policy group, aggregated in SQL, with small counts hidden."""
