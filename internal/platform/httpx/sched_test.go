package httpx_test

import (
	"runtime"
	"time"
)

func runtimeGosched() {
	runtime.Gosched()
	time.Sleep(time.Millisecond) // polling a condition, not synchronising on time
}
