"""One module per chapter, named like the chapter: what the chapter computes, as frames and numbers. No chart code."""
