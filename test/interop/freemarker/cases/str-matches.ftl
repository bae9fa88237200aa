${"001565aabbcc"?matches("[0-9a-f]{12}")?c} ${"001565aabbcc-x"?matches("[0-9a-f]{12}")?c} ${"ABC"?matches("abc", "i")?c}
