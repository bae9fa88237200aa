${"user=${u!'anonymous'}"} ${"port=${p!5060}"} ${'pw=${pw!"-"}'}
