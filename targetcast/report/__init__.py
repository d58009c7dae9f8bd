"""Reports made from an Assessment: self-contained HTML with inline SVG charts, an Excel
workbook, and markdown. They render; every number comes from ``targetcast.assess``."""
