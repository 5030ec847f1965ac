module dsl-functions-go

go 1.24

// eddy:world functions

require eddy/sdk v0.0.0

replace eddy/sdk => ../../sdk/go
