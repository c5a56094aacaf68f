module poolbench/go-goroutines

go 1.19
