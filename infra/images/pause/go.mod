module failurelib.dev/pause

go 1.22
