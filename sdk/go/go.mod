module eddy/sdk

go 1.24
