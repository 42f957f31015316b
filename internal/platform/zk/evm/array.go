package evm

import (
	"math/big"
	"reflect"
)

// reflectArray makes the [n]*big.Int value go-ethereum's ABI packer wants for uint256[n].
func reflectArray(vals []*big.Int, n int) any {
	t := reflect.ArrayOf(n, reflect.TypeOf((*big.Int)(nil)))
	a := reflect.New(t).Elem()
	for i := 0; i < n && i < len(vals); i++ {
		a.Index(i).Set(reflect.ValueOf(vals[i]))
	}
	return a.Interface()
}
