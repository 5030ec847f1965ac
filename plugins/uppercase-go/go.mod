module uppercase-go

go 1.24

require eddy/sdk v0.0.0

replace eddy/sdk => ../../sdk/go
