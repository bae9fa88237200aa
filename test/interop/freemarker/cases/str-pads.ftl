[${"7"?left_pad(3, "0")}] [${"ab"?left_pad(5)}] [${"ab"?right_pad(5, ".")}] [${"abcdef"?left_pad(3)}] [${"x"?left_pad(6, "ab")}] [${"x"?right_pad(6, "ab")}]
