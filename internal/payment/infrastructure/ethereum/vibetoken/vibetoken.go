// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package vibetoken

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// VibeTokenMetaData contains all meta data concerning the VibeToken contract.
var VibeTokenMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"platform\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"ECDSAInvalidSignature\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"length\",\"type\":\"uint256\"}],\"name\":\"ECDSAInvalidSignatureLength\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"s\",\"type\":\"bytes32\"}],\"name\":\"ECDSAInvalidSignatureS\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"allowance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientAllowance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientBalance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"approver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidApprover\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidReceiver\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSender\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSpender\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"deadline\",\"type\":\"uint256\"}],\"name\":\"ERC2612ExpiredSignature\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"ERC2612InvalidSigner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"currentNonce\",\"type\":\"uint256\"}],\"name\":\"InvalidAccountNonce\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"OwnableInvalidOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"OwnableUnauthorizedAccount\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"previousOwner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"OwnershipTransferred\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"DOMAIN_SEPARATOR\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"burn\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"mint\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"name\":\"nonces\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"deadline\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"v\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"r\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"s\",\"type\":\"bytes32\"}],\"name\":\"permit\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"renounceOwnership\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"transferOwnership\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "VibeToken",
	Bin: "0x610160604052348015610010575f5ffd5b5060405161145238038061145283398101604081905261002f9161024b565b806040518060400160405280600a8152602001695669626553747265616d60b01b81525080604051806040016040528060018152602001603160f81b8152506040518060400160405280600a8152602001695669626553747265616d60b01b815250604051806040016040528060048152602001635649424560e01b81525081600390816100bd919061031b565b5060046100ca828261031b565b5050506100dc826101bd60201b60201c565b610120526100e9816101bd565b61014052815160208084019190912060e052815190820120610100524660a05261017560e05161010051604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201529081019290925260608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b60805250503060c052506001600160a01b0381166101ad57604051631e4fbdf760e01b81525f60048201526024015b60405180910390fd5b6101b6816101fa565b5050610431565b5f5f829050601f815111156101e7578260405163305a27a960e01b81526004016101a491906103d9565b80516101f28261040e565b179392505050565b600880546001600160a01b038381166001600160a01b0319831681179093556040519116919082907f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e0905f90a35050565b5f6020828403121561025b575f5ffd5b81516001600160a01b0381168114610271575f5ffd5b9392505050565b634e487b7160e01b5f52604160045260245ffd5b600181811c908216806102a057607f821691505b6020821081036102be57634e487b7160e01b5f52602260045260245ffd5b50919050565b601f821115610316578282111561031657805f5260205f20601f840160051c60208510156102ef57505f5b90810190601f840160051c035f5b81811015610312575f838201556001016102fd565b5050505b505050565b81516001600160401b0381111561033457610334610278565b61034881610342845461028c565b846102c4565b6020601f82116001811461037a575f83156103635750848201515b5f19600385901b1c1916600184901b1784556103d2565b5f84815260208120601f198516915b828110156103a95787850151825560209485019460019092019101610389565b50848210156103c657868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b602081525f82518060208401528060208501604085015e5f604082850101526040601f19601f83011684010191505092915050565b805160208083015191908110156102be575f1960209190910360031b1b16919050565b60805160a05160c05160e051610100516101205161014051610fd06104825f395f6108d801525f6108ad01525f61077001525f61074801525f6106a301525f6106cd01525f6106f70152610fd05ff3fe608060405234801561000f575f5ffd5b5060043610610111575f3560e01c8063715018a61161009e57806395d89b411161006e57806395d89b4114610233578063a9059cbb1461023b578063d505accf1461024e578063dd62ed3e14610261578063f2fde38b14610299575f5ffd5b8063715018a6146101e25780637ecebe00146101ea57806384b0196e146101fd5780638da5cb5b14610218575f5ffd5b8063313ce567116100e4578063313ce5671461017b5780633644e5151461018a57806340c10f191461019257806342966c68146101a757806370a08231146101ba575f5ffd5b806306fdde0314610115578063095ea7b31461013357806318160ddd1461015657806323b872dd14610168575b5f5ffd5b61011d6102ac565b60405161012a9190610d5e565b60405180910390f35b610146610141366004610d92565b61033c565b604051901515815260200161012a565b6002545b60405190815260200161012a565b610146610176366004610dba565b610355565b6040516012815260200161012a565b61015a610378565b6101a56101a0366004610d92565b610386565b005b6101a56101b5366004610df4565b61039c565b61015a6101c8366004610e0b565b6001600160a01b03165f9081526020819052604090205490565b6101a56103a9565b61015a6101f8366004610e0b565b6103bc565b6102056103d9565b60405161012a9796959493929190610e24565b6008546040516001600160a01b03909116815260200161012a565b61011d61041b565b610146610249366004610d92565b61042a565b6101a561025c366004610eba565b610437565b61015a61026f366004610f27565b6001600160a01b039182165f90815260016020908152604080832093909416825291909152205490565b6101a56102a7366004610e0b565b610572565b6060600380546102bb90610f58565b80601f01602080910402602001604051908101604052809291908181526020018280546102e790610f58565b80156103325780601f1061030957610100808354040283529160200191610332565b820191905f5260205f20905b81548152906001019060200180831161031557829003601f168201915b5050505050905090565b5f336103498185856105ac565b60019150505b92915050565b5f336103628582856105be565b61036d85858561063a565b506001949350505050565b5f610381610697565b905090565b61038e6107c0565b61039882826107ed565b5050565b6103a63382610821565b50565b6103b16107c0565b6103ba5f610855565b565b6001600160a01b0381165f9081526007602052604081205461034f565b5f6060805f5f5f60606103ea6108a6565b6103f26108d1565b604080515f80825260208201909252600f60f81b9b939a50919850469750309650945092509050565b6060600480546102bb90610f58565b5f3361034981858561063a565b834211156104605760405163313c898160e11b8152600481018590526024015b60405180910390fd5b5f7f6e71edae12b1b97f4d1f60370fef10105fa2faae0126114a169c64845d6126c98888886104ab8c6001600160a01b03165f90815260076020526040902080546001810190915590565b6040805160208101969096526001600160a01b0394851690860152929091166060840152608083015260a082015260c0810186905260e0016040516020818303038152906040528051906020012090505f610505826108fc565b90505f61051482878787610928565b9050896001600160a01b0316816001600160a01b03161461055b576040516325c0072360e11b81526001600160a01b0380831660048301528b166024820152604401610457565b6105668a8a8a6105ac565b50505050505050505050565b61057a6107c0565b6001600160a01b0381166105a357604051631e4fbdf760e01b81525f6004820152602401610457565b6103a681610855565b6105b98383836001610954565b505050565b6001600160a01b038381165f908152600160209081526040808320938616835292905220545f19811015610634578181101561062657604051637dc7a0d960e11b81526001600160a01b03841660048201526024810182905260448101839052606401610457565b61063484848484035f610954565b50505050565b6001600160a01b03831661066357604051634b637e8f60e11b81525f6004820152602401610457565b6001600160a01b03821661068c5760405163ec442f0560e01b81525f6004820152602401610457565b6105b9838383610a26565b5f306001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000161480156106ef57507f000000000000000000000000000000000000000000000000000000000000000046145b1561071957507f000000000000000000000000000000000000000000000000000000000000000090565b610381604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f0000000000000000000000000000000000000000000000000000000000000000918101919091527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b6008546001600160a01b031633146103ba5760405163118cdaa760e01b8152336004820152602401610457565b6001600160a01b0382166108165760405163ec442f0560e01b81525f6004820152602401610457565b6103985f8383610a26565b6001600160a01b03821661084a57604051634b637e8f60e11b81525f6004820152602401610457565b610398825f83610a26565b600880546001600160a01b038381166001600160a01b0319831681179093556040519116919082907f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e0905f90a35050565b60606103817f0000000000000000000000000000000000000000000000000000000000000000610b4c565b60606103817f0000000000000000000000000000000000000000000000000000000000000000610b4c565b5f61034f610908610697565b8360405161190160f01b8152600281019290925260228201526042902090565b5f5f5f5f61093888888888610b89565b9250925092506109488282610c51565b50909695505050505050565b6001600160a01b03841661097d5760405163e602df0560e01b81525f6004820152602401610457565b6001600160a01b0383166109a657604051634a1406b160e11b81525f6004820152602401610457565b6001600160a01b038085165f908152600160209081526040808320938716835292905220829055801561063457826001600160a01b0316846001600160a01b03167f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b92584604051610a1891815260200190565b60405180910390a350505050565b6001600160a01b038316610a50578060025f828254610a459190610f90565b90915550610ac09050565b6001600160a01b0383165f9081526020819052604090205481811015610aa25760405163391434e360e21b81526001600160a01b03851660048201526024810182905260448101839052606401610457565b6001600160a01b0384165f9081526020819052604090209082900390555b6001600160a01b038216610adc57600280548290039055610afa565b6001600160a01b0382165f9081526020819052604090208054820190555b816001600160a01b0316836001600160a01b03167fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef83604051610b3f91815260200190565b60405180910390a3505050565b60605f610b5883610d09565b6040805160208082528183019092529192505f91906020820181803683375050509182525060208101929092525090565b5f80807f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0841115610bc257505f91506003905082610c47565b604080515f808252602082018084528a905260ff891692820192909252606081018790526080810186905260019060a0016020604051602081039080840390855afa158015610c13573d5f5f3e3d5ffd5b5050604051601f1901519150506001600160a01b038116610c3e57505f925060019150829050610c47565b92505f91508190505b9450945094915050565b5f826003811115610c6457610c64610faf565b03610c6d575050565b6001826003811115610c8157610c81610faf565b03610c9f5760405163f645eedf60e01b815260040160405180910390fd5b6002826003811115610cb357610cb3610faf565b03610cd45760405163fce698f760e01b815260048101829052602401610457565b6003826003811115610ce857610ce8610faf565b03610398576040516335e2f38360e21b815260048101829052602401610457565b5f60ff8216601f81111561034f57604051632cd44ac360e21b815260040160405180910390fd5b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b602081525f610d706020830184610d30565b9392505050565b80356001600160a01b0381168114610d8d575f5ffd5b919050565b5f5f60408385031215610da3575f5ffd5b610dac83610d77565b946020939093013593505050565b5f5f5f60608486031215610dcc575f5ffd5b610dd584610d77565b9250610de360208501610d77565b929592945050506040919091013590565b5f60208284031215610e04575f5ffd5b5035919050565b5f60208284031215610e1b575f5ffd5b610d7082610d77565b60ff60f81b8816815260e060208201525f610e4260e0830189610d30565b8281036040840152610e548189610d30565b606084018890526001600160a01b038716608085015260a0840186905283810360c0850152845180825260208087019350909101905f5b81811015610ea9578351835260209384019390920191600101610e8b565b50909b9a5050505050505050505050565b5f5f5f5f5f5f5f60e0888a031215610ed0575f5ffd5b610ed988610d77565b9650610ee760208901610d77565b95506040880135945060608801359350608088013560ff81168114610f0a575f5ffd5b9699959850939692959460a0840135945060c09093013592915050565b5f5f60408385031215610f38575f5ffd5b610f4183610d77565b9150610f4f60208401610d77565b90509250929050565b600181811c90821680610f6c57607f821691505b602082108103610f8a57634e487b7160e01b5f52602260045260245ffd5b50919050565b8082018082111561034f57634e487b7160e01b5f52601160045260245ffd5b634e487b7160e01b5f52602160045260245ffdfea164736f6c6343000825000a",
}

// VibeToken is an auto generated Go binding around an Ethereum contract.
type VibeToken struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *VibeToken) GetABI() abi.ABI {
	return c.abi
}

// NewVibeToken creates a new instance of VibeToken.
func NewVibeToken() *VibeToken {
	parsed, err := VibeTokenMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &VibeToken{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *VibeToken) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address platform) returns()
func (vibeToken *VibeToken) PackConstructor(platform common.Address) []byte {
	enc, err := vibeToken.abi.Pack("", platform)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackDOMAINSEPARATOR is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3644e515.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function DOMAIN_SEPARATOR() view returns(bytes32)
func (vibeToken *VibeToken) PackDOMAINSEPARATOR() []byte {
	enc, err := vibeToken.abi.Pack("DOMAIN_SEPARATOR")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDOMAINSEPARATOR is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3644e515.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function DOMAIN_SEPARATOR() view returns(bytes32)
func (vibeToken *VibeToken) TryPackDOMAINSEPARATOR() ([]byte, error) {
	return vibeToken.abi.Pack("DOMAIN_SEPARATOR")
}

// UnpackDOMAINSEPARATOR is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3644e515.
//
// Solidity: function DOMAIN_SEPARATOR() view returns(bytes32)
func (vibeToken *VibeToken) UnpackDOMAINSEPARATOR(data []byte) ([32]byte, error) {
	out, err := vibeToken.abi.Unpack("DOMAIN_SEPARATOR", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (vibeToken *VibeToken) PackAllowance(owner common.Address, spender common.Address) []byte {
	enc, err := vibeToken.abi.Pack("allowance", owner, spender)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (vibeToken *VibeToken) TryPackAllowance(owner common.Address, spender common.Address) ([]byte, error) {
	return vibeToken.abi.Pack("allowance", owner, spender)
}

// UnpackAllowance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdd62ed3e.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (vibeToken *VibeToken) UnpackAllowance(data []byte) (*big.Int, error) {
	out, err := vibeToken.abi.Unpack("allowance", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (vibeToken *VibeToken) PackApprove(spender common.Address, value *big.Int) []byte {
	enc, err := vibeToken.abi.Pack("approve", spender, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (vibeToken *VibeToken) TryPackApprove(spender common.Address, value *big.Int) ([]byte, error) {
	return vibeToken.abi.Pack("approve", spender, value)
}

// UnpackApprove is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (vibeToken *VibeToken) UnpackApprove(data []byte) (bool, error) {
	out, err := vibeToken.abi.Unpack("approve", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (vibeToken *VibeToken) PackBalanceOf(account common.Address) []byte {
	enc, err := vibeToken.abi.Pack("balanceOf", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (vibeToken *VibeToken) TryPackBalanceOf(account common.Address) ([]byte, error) {
	return vibeToken.abi.Pack("balanceOf", account)
}

// UnpackBalanceOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x70a08231.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (vibeToken *VibeToken) UnpackBalanceOf(data []byte) (*big.Int, error) {
	out, err := vibeToken.abi.Unpack("balanceOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackBurn is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42966c68.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function burn(uint256 amount) returns()
func (vibeToken *VibeToken) PackBurn(amount *big.Int) []byte {
	enc, err := vibeToken.abi.Pack("burn", amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBurn is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x42966c68.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function burn(uint256 amount) returns()
func (vibeToken *VibeToken) TryPackBurn(amount *big.Int) ([]byte, error) {
	return vibeToken.abi.Pack("burn", amount)
}

// PackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function decimals() view returns(uint8)
func (vibeToken *VibeToken) PackDecimals() []byte {
	enc, err := vibeToken.abi.Pack("decimals")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function decimals() view returns(uint8)
func (vibeToken *VibeToken) TryPackDecimals() ([]byte, error) {
	return vibeToken.abi.Pack("decimals")
}

// UnpackDecimals is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (vibeToken *VibeToken) UnpackDecimals(data []byte) (uint8, error) {
	out, err := vibeToken.abi.Unpack("decimals", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (vibeToken *VibeToken) PackEip712Domain() []byte {
	enc, err := vibeToken.abi.Pack("eip712Domain")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (vibeToken *VibeToken) TryPackEip712Domain() ([]byte, error) {
	return vibeToken.abi.Pack("eip712Domain")
}

// Eip712DomainOutput serves as a container for the return parameters of contract
// method Eip712Domain.
type Eip712DomainOutput struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}

// UnpackEip712Domain is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (vibeToken *VibeToken) UnpackEip712Domain(data []byte) (Eip712DomainOutput, error) {
	out, err := vibeToken.abi.Unpack("eip712Domain", data)
	outstruct := new(Eip712DomainOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Fields = *abi.ConvertType(out[0], new([1]byte)).(*[1]byte)
	outstruct.Name = *abi.ConvertType(out[1], new(string)).(*string)
	outstruct.Version = *abi.ConvertType(out[2], new(string)).(*string)
	outstruct.ChainId = abi.ConvertType(out[3], new(big.Int)).(*big.Int)
	outstruct.VerifyingContract = *abi.ConvertType(out[4], new(common.Address)).(*common.Address)
	outstruct.Salt = *abi.ConvertType(out[5], new([32]byte)).(*[32]byte)
	outstruct.Extensions = *abi.ConvertType(out[6], new([]*big.Int)).(*[]*big.Int)
	return *outstruct, nil
}

// PackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40c10f19.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (vibeToken *VibeToken) PackMint(to common.Address, amount *big.Int) []byte {
	enc, err := vibeToken.abi.Pack("mint", to, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40c10f19.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (vibeToken *VibeToken) TryPackMint(to common.Address, amount *big.Int) ([]byte, error) {
	return vibeToken.abi.Pack("mint", to, amount)
}

// PackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function name() view returns(string)
func (vibeToken *VibeToken) PackName() []byte {
	enc, err := vibeToken.abi.Pack("name")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function name() view returns(string)
func (vibeToken *VibeToken) TryPackName() ([]byte, error) {
	return vibeToken.abi.Pack("name")
}

// UnpackName is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (vibeToken *VibeToken) UnpackName(data []byte) (string, error) {
	out, err := vibeToken.abi.Unpack("name", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackNonces is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7ecebe00.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function nonces(address owner) view returns(uint256)
func (vibeToken *VibeToken) PackNonces(owner common.Address) []byte {
	enc, err := vibeToken.abi.Pack("nonces", owner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackNonces is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7ecebe00.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function nonces(address owner) view returns(uint256)
func (vibeToken *VibeToken) TryPackNonces(owner common.Address) ([]byte, error) {
	return vibeToken.abi.Pack("nonces", owner)
}

// UnpackNonces is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7ecebe00.
//
// Solidity: function nonces(address owner) view returns(uint256)
func (vibeToken *VibeToken) UnpackNonces(data []byte) (*big.Int, error) {
	out, err := vibeToken.abi.Unpack("nonces", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (vibeToken *VibeToken) PackOwner() []byte {
	enc, err := vibeToken.abi.Pack("owner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner() view returns(address)
func (vibeToken *VibeToken) TryPackOwner() ([]byte, error) {
	return vibeToken.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (vibeToken *VibeToken) UnpackOwner(data []byte) (common.Address, error) {
	out, err := vibeToken.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackPermit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd505accf.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns()
func (vibeToken *VibeToken) PackPermit(owner common.Address, spender common.Address, value *big.Int, deadline *big.Int, v uint8, r [32]byte, s [32]byte) []byte {
	enc, err := vibeToken.abi.Pack("permit", owner, spender, value, deadline, v, r, s)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPermit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd505accf.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) returns()
func (vibeToken *VibeToken) TryPackPermit(owner common.Address, spender common.Address, value *big.Int, deadline *big.Int, v uint8, r [32]byte, s [32]byte) ([]byte, error) {
	return vibeToken.abi.Pack("permit", owner, spender, value, deadline, v, r, s)
}

// PackRenounceOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x715018a6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function renounceOwnership() returns()
func (vibeToken *VibeToken) PackRenounceOwnership() []byte {
	enc, err := vibeToken.abi.Pack("renounceOwnership")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRenounceOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x715018a6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function renounceOwnership() returns()
func (vibeToken *VibeToken) TryPackRenounceOwnership() ([]byte, error) {
	return vibeToken.abi.Pack("renounceOwnership")
}

// PackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function symbol() view returns(string)
func (vibeToken *VibeToken) PackSymbol() []byte {
	enc, err := vibeToken.abi.Pack("symbol")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function symbol() view returns(string)
func (vibeToken *VibeToken) TryPackSymbol() ([]byte, error) {
	return vibeToken.abi.Pack("symbol")
}

// UnpackSymbol is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (vibeToken *VibeToken) UnpackSymbol(data []byte) (string, error) {
	out, err := vibeToken.abi.Unpack("symbol", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalSupply() view returns(uint256)
func (vibeToken *VibeToken) PackTotalSupply() []byte {
	enc, err := vibeToken.abi.Pack("totalSupply")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalSupply() view returns(uint256)
func (vibeToken *VibeToken) TryPackTotalSupply() ([]byte, error) {
	return vibeToken.abi.Pack("totalSupply")
}

// UnpackTotalSupply is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (vibeToken *VibeToken) UnpackTotalSupply(data []byte) (*big.Int, error) {
	out, err := vibeToken.abi.Unpack("totalSupply", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (vibeToken *VibeToken) PackTransfer(to common.Address, value *big.Int) []byte {
	enc, err := vibeToken.abi.Pack("transfer", to, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (vibeToken *VibeToken) TryPackTransfer(to common.Address, value *big.Int) ([]byte, error) {
	return vibeToken.abi.Pack("transfer", to, value)
}

// UnpackTransfer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (vibeToken *VibeToken) UnpackTransfer(data []byte) (bool, error) {
	out, err := vibeToken.abi.Unpack("transfer", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (vibeToken *VibeToken) PackTransferFrom(from common.Address, to common.Address, value *big.Int) []byte {
	enc, err := vibeToken.abi.Pack("transferFrom", from, to, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (vibeToken *VibeToken) TryPackTransferFrom(from common.Address, to common.Address, value *big.Int) ([]byte, error) {
	return vibeToken.abi.Pack("transferFrom", from, to, value)
}

// UnpackTransferFrom is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (vibeToken *VibeToken) UnpackTransferFrom(data []byte) (bool, error) {
	out, err := vibeToken.abi.Unpack("transferFrom", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackTransferOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2fde38b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferOwnership(address newOwner) returns()
func (vibeToken *VibeToken) PackTransferOwnership(newOwner common.Address) []byte {
	enc, err := vibeToken.abi.Pack("transferOwnership", newOwner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2fde38b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferOwnership(address newOwner) returns()
func (vibeToken *VibeToken) TryPackTransferOwnership(newOwner common.Address) ([]byte, error) {
	return vibeToken.abi.Pack("transferOwnership", newOwner)
}

// VibeTokenApproval represents a Approval event raised by the VibeToken contract.
type VibeTokenApproval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const VibeTokenApprovalEventName = "Approval"

// ContractEventName returns the user-defined event name.
func (VibeTokenApproval) ContractEventName() string {
	return VibeTokenApprovalEventName
}

// UnpackApprovalEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (vibeToken *VibeToken) UnpackApprovalEvent(log *types.Log) (*VibeTokenApproval, error) {
	event := "Approval"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != vibeToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(VibeTokenApproval)
	if len(log.Data) > 0 {
		if err := vibeToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range vibeToken.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// VibeTokenEIP712DomainChanged represents a EIP712DomainChanged event raised by the VibeToken contract.
type VibeTokenEIP712DomainChanged struct {
	Raw *types.Log // Blockchain specific contextual infos
}

const VibeTokenEIP712DomainChangedEventName = "EIP712DomainChanged"

// ContractEventName returns the user-defined event name.
func (VibeTokenEIP712DomainChanged) ContractEventName() string {
	return VibeTokenEIP712DomainChangedEventName
}

// UnpackEIP712DomainChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event EIP712DomainChanged()
func (vibeToken *VibeToken) UnpackEIP712DomainChangedEvent(log *types.Log) (*VibeTokenEIP712DomainChanged, error) {
	event := "EIP712DomainChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != vibeToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(VibeTokenEIP712DomainChanged)
	if len(log.Data) > 0 {
		if err := vibeToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range vibeToken.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// VibeTokenOwnershipTransferred represents a OwnershipTransferred event raised by the VibeToken contract.
type VibeTokenOwnershipTransferred struct {
	PreviousOwner common.Address
	NewOwner      common.Address
	Raw           *types.Log // Blockchain specific contextual infos
}

const VibeTokenOwnershipTransferredEventName = "OwnershipTransferred"

// ContractEventName returns the user-defined event name.
func (VibeTokenOwnershipTransferred) ContractEventName() string {
	return VibeTokenOwnershipTransferredEventName
}

// UnpackOwnershipTransferredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)
func (vibeToken *VibeToken) UnpackOwnershipTransferredEvent(log *types.Log) (*VibeTokenOwnershipTransferred, error) {
	event := "OwnershipTransferred"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != vibeToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(VibeTokenOwnershipTransferred)
	if len(log.Data) > 0 {
		if err := vibeToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range vibeToken.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// VibeTokenTransfer represents a Transfer event raised by the VibeToken contract.
type VibeTokenTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   *types.Log // Blockchain specific contextual infos
}

const VibeTokenTransferEventName = "Transfer"

// ContractEventName returns the user-defined event name.
func (VibeTokenTransfer) ContractEventName() string {
	return VibeTokenTransferEventName
}

// UnpackTransferEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (vibeToken *VibeToken) UnpackTransferEvent(log *types.Log) (*VibeTokenTransfer, error) {
	event := "Transfer"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != vibeToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(VibeTokenTransfer)
	if len(log.Data) > 0 {
		if err := vibeToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range vibeToken.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (vibeToken *VibeToken) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["ECDSAInvalidSignature"].ID.Bytes()[:4]) {
		return vibeToken.UnpackECDSAInvalidSignatureError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["ECDSAInvalidSignatureLength"].ID.Bytes()[:4]) {
		return vibeToken.UnpackECDSAInvalidSignatureLengthError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["ECDSAInvalidSignatureS"].ID.Bytes()[:4]) {
		return vibeToken.UnpackECDSAInvalidSignatureSError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["ERC20InsufficientAllowance"].ID.Bytes()[:4]) {
		return vibeToken.UnpackERC20InsufficientAllowanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["ERC20InsufficientBalance"].ID.Bytes()[:4]) {
		return vibeToken.UnpackERC20InsufficientBalanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["ERC20InvalidApprover"].ID.Bytes()[:4]) {
		return vibeToken.UnpackERC20InvalidApproverError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["ERC20InvalidReceiver"].ID.Bytes()[:4]) {
		return vibeToken.UnpackERC20InvalidReceiverError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["ERC20InvalidSender"].ID.Bytes()[:4]) {
		return vibeToken.UnpackERC20InvalidSenderError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["ERC20InvalidSpender"].ID.Bytes()[:4]) {
		return vibeToken.UnpackERC20InvalidSpenderError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["ERC2612ExpiredSignature"].ID.Bytes()[:4]) {
		return vibeToken.UnpackERC2612ExpiredSignatureError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["ERC2612InvalidSigner"].ID.Bytes()[:4]) {
		return vibeToken.UnpackERC2612InvalidSignerError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["InvalidAccountNonce"].ID.Bytes()[:4]) {
		return vibeToken.UnpackInvalidAccountNonceError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["InvalidShortString"].ID.Bytes()[:4]) {
		return vibeToken.UnpackInvalidShortStringError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["OwnableInvalidOwner"].ID.Bytes()[:4]) {
		return vibeToken.UnpackOwnableInvalidOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["OwnableUnauthorizedAccount"].ID.Bytes()[:4]) {
		return vibeToken.UnpackOwnableUnauthorizedAccountError(raw[4:])
	}
	if bytes.Equal(raw[:4], vibeToken.abi.Errors["StringTooLong"].ID.Bytes()[:4]) {
		return vibeToken.UnpackStringTooLongError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// VibeTokenECDSAInvalidSignature represents a ECDSAInvalidSignature error raised by the VibeToken contract.
type VibeTokenECDSAInvalidSignature struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ECDSAInvalidSignature()
func VibeTokenECDSAInvalidSignatureErrorID() common.Hash {
	return common.HexToHash("0xf645eedf0193584640b6b90cb9477e4c95b98636c148a891d4c0a146dc46e75a")
}

// UnpackECDSAInvalidSignatureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ECDSAInvalidSignature()
func (vibeToken *VibeToken) UnpackECDSAInvalidSignatureError(raw []byte) (*VibeTokenECDSAInvalidSignature, error) {
	out := new(VibeTokenECDSAInvalidSignature)
	if err := vibeToken.abi.UnpackIntoInterface(out, "ECDSAInvalidSignature", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenECDSAInvalidSignatureLength represents a ECDSAInvalidSignatureLength error raised by the VibeToken contract.
type VibeTokenECDSAInvalidSignatureLength struct {
	Length *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ECDSAInvalidSignatureLength(uint256 length)
func VibeTokenECDSAInvalidSignatureLengthErrorID() common.Hash {
	return common.HexToHash("0xfce698f7e8e5342cd615f641317bc45fe7e1e4a8b0a14dd1383ff8dc9c41917f")
}

// UnpackECDSAInvalidSignatureLengthError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ECDSAInvalidSignatureLength(uint256 length)
func (vibeToken *VibeToken) UnpackECDSAInvalidSignatureLengthError(raw []byte) (*VibeTokenECDSAInvalidSignatureLength, error) {
	out := new(VibeTokenECDSAInvalidSignatureLength)
	if err := vibeToken.abi.UnpackIntoInterface(out, "ECDSAInvalidSignatureLength", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenECDSAInvalidSignatureS represents a ECDSAInvalidSignatureS error raised by the VibeToken contract.
type VibeTokenECDSAInvalidSignatureS struct {
	S [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ECDSAInvalidSignatureS(bytes32 s)
func VibeTokenECDSAInvalidSignatureSErrorID() common.Hash {
	return common.HexToHash("0xd78bce0cccb935155ed6428d1c13e50b7f3550fd2b66b9fe266006fea4a5e1eb")
}

// UnpackECDSAInvalidSignatureSError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ECDSAInvalidSignatureS(bytes32 s)
func (vibeToken *VibeToken) UnpackECDSAInvalidSignatureSError(raw []byte) (*VibeTokenECDSAInvalidSignatureS, error) {
	out := new(VibeTokenECDSAInvalidSignatureS)
	if err := vibeToken.abi.UnpackIntoInterface(out, "ECDSAInvalidSignatureS", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenERC20InsufficientAllowance represents a ERC20InsufficientAllowance error raised by the VibeToken contract.
type VibeTokenERC20InsufficientAllowance struct {
	Spender   common.Address
	Allowance *big.Int
	Needed    *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func VibeTokenERC20InsufficientAllowanceErrorID() common.Hash {
	return common.HexToHash("0xfb8f41b23e99d2101d86da76cdfa87dd51c82ed07d3cb62cbc473e469dbc75c3")
}

// UnpackERC20InsufficientAllowanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func (vibeToken *VibeToken) UnpackERC20InsufficientAllowanceError(raw []byte) (*VibeTokenERC20InsufficientAllowance, error) {
	out := new(VibeTokenERC20InsufficientAllowance)
	if err := vibeToken.abi.UnpackIntoInterface(out, "ERC20InsufficientAllowance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenERC20InsufficientBalance represents a ERC20InsufficientBalance error raised by the VibeToken contract.
type VibeTokenERC20InsufficientBalance struct {
	Sender  common.Address
	Balance *big.Int
	Needed  *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func VibeTokenERC20InsufficientBalanceErrorID() common.Hash {
	return common.HexToHash("0xe450d38cd8d9f7d95077d567d60ed49c7254716e6ad08fc9872816c97e0ffec6")
}

// UnpackERC20InsufficientBalanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func (vibeToken *VibeToken) UnpackERC20InsufficientBalanceError(raw []byte) (*VibeTokenERC20InsufficientBalance, error) {
	out := new(VibeTokenERC20InsufficientBalance)
	if err := vibeToken.abi.UnpackIntoInterface(out, "ERC20InsufficientBalance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenERC20InvalidApprover represents a ERC20InvalidApprover error raised by the VibeToken contract.
type VibeTokenERC20InvalidApprover struct {
	Approver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidApprover(address approver)
func VibeTokenERC20InvalidApproverErrorID() common.Hash {
	return common.HexToHash("0xe602df05cc75712490294c6c104ab7c17f4030363910a7a2626411c6d3118847")
}

// UnpackERC20InvalidApproverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidApprover(address approver)
func (vibeToken *VibeToken) UnpackERC20InvalidApproverError(raw []byte) (*VibeTokenERC20InvalidApprover, error) {
	out := new(VibeTokenERC20InvalidApprover)
	if err := vibeToken.abi.UnpackIntoInterface(out, "ERC20InvalidApprover", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenERC20InvalidReceiver represents a ERC20InvalidReceiver error raised by the VibeToken contract.
type VibeTokenERC20InvalidReceiver struct {
	Receiver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func VibeTokenERC20InvalidReceiverErrorID() common.Hash {
	return common.HexToHash("0xec442f055133b72f3b2f9f0bb351c406b178527de2040a7d1feb4e058771f613")
}

// UnpackERC20InvalidReceiverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func (vibeToken *VibeToken) UnpackERC20InvalidReceiverError(raw []byte) (*VibeTokenERC20InvalidReceiver, error) {
	out := new(VibeTokenERC20InvalidReceiver)
	if err := vibeToken.abi.UnpackIntoInterface(out, "ERC20InvalidReceiver", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenERC20InvalidSender represents a ERC20InvalidSender error raised by the VibeToken contract.
type VibeTokenERC20InvalidSender struct {
	Sender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSender(address sender)
func VibeTokenERC20InvalidSenderErrorID() common.Hash {
	return common.HexToHash("0x96c6fd1edd0cd6ef7ff0ecc0facdf53148dc0048b57fe58af65755250a7a96bd")
}

// UnpackERC20InvalidSenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSender(address sender)
func (vibeToken *VibeToken) UnpackERC20InvalidSenderError(raw []byte) (*VibeTokenERC20InvalidSender, error) {
	out := new(VibeTokenERC20InvalidSender)
	if err := vibeToken.abi.UnpackIntoInterface(out, "ERC20InvalidSender", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenERC20InvalidSpender represents a ERC20InvalidSpender error raised by the VibeToken contract.
type VibeTokenERC20InvalidSpender struct {
	Spender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSpender(address spender)
func VibeTokenERC20InvalidSpenderErrorID() common.Hash {
	return common.HexToHash("0x94280d62c347d8d9f4d59a76ea321452406db88df38e0c9da304f58b57b373a2")
}

// UnpackERC20InvalidSpenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSpender(address spender)
func (vibeToken *VibeToken) UnpackERC20InvalidSpenderError(raw []byte) (*VibeTokenERC20InvalidSpender, error) {
	out := new(VibeTokenERC20InvalidSpender)
	if err := vibeToken.abi.UnpackIntoInterface(out, "ERC20InvalidSpender", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenERC2612ExpiredSignature represents a ERC2612ExpiredSignature error raised by the VibeToken contract.
type VibeTokenERC2612ExpiredSignature struct {
	Deadline *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC2612ExpiredSignature(uint256 deadline)
func VibeTokenERC2612ExpiredSignatureErrorID() common.Hash {
	return common.HexToHash("0x627913023c184eaad13735d5a3d2657ae76ec9a872a70e0fc57522ef1a114d58")
}

// UnpackERC2612ExpiredSignatureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC2612ExpiredSignature(uint256 deadline)
func (vibeToken *VibeToken) UnpackERC2612ExpiredSignatureError(raw []byte) (*VibeTokenERC2612ExpiredSignature, error) {
	out := new(VibeTokenERC2612ExpiredSignature)
	if err := vibeToken.abi.UnpackIntoInterface(out, "ERC2612ExpiredSignature", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenERC2612InvalidSigner represents a ERC2612InvalidSigner error raised by the VibeToken contract.
type VibeTokenERC2612InvalidSigner struct {
	Signer common.Address
	Owner  common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC2612InvalidSigner(address signer, address owner)
func VibeTokenERC2612InvalidSignerErrorID() common.Hash {
	return common.HexToHash("0x4b800e463b323b1d856edf9dec70329a639d13874a57f5c28219ff57128756db")
}

// UnpackERC2612InvalidSignerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC2612InvalidSigner(address signer, address owner)
func (vibeToken *VibeToken) UnpackERC2612InvalidSignerError(raw []byte) (*VibeTokenERC2612InvalidSigner, error) {
	out := new(VibeTokenERC2612InvalidSigner)
	if err := vibeToken.abi.UnpackIntoInterface(out, "ERC2612InvalidSigner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenInvalidAccountNonce represents a InvalidAccountNonce error raised by the VibeToken contract.
type VibeTokenInvalidAccountNonce struct {
	Account      common.Address
	CurrentNonce *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidAccountNonce(address account, uint256 currentNonce)
func VibeTokenInvalidAccountNonceErrorID() common.Hash {
	return common.HexToHash("0x752d88c0de02638abf10e8e31861e4c68dc1f3a1e7d840e580683f2c282bfc7a")
}

// UnpackInvalidAccountNonceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidAccountNonce(address account, uint256 currentNonce)
func (vibeToken *VibeToken) UnpackInvalidAccountNonceError(raw []byte) (*VibeTokenInvalidAccountNonce, error) {
	out := new(VibeTokenInvalidAccountNonce)
	if err := vibeToken.abi.UnpackIntoInterface(out, "InvalidAccountNonce", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenInvalidShortString represents a InvalidShortString error raised by the VibeToken contract.
type VibeTokenInvalidShortString struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidShortString()
func VibeTokenInvalidShortStringErrorID() common.Hash {
	return common.HexToHash("0xb3512b0c6163e5f0bafab72bb631b9d58cd7a731b082f910338aa21c83d5c274")
}

// UnpackInvalidShortStringError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidShortString()
func (vibeToken *VibeToken) UnpackInvalidShortStringError(raw []byte) (*VibeTokenInvalidShortString, error) {
	out := new(VibeTokenInvalidShortString)
	if err := vibeToken.abi.UnpackIntoInterface(out, "InvalidShortString", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenOwnableInvalidOwner represents a OwnableInvalidOwner error raised by the VibeToken contract.
type VibeTokenOwnableInvalidOwner struct {
	Owner common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error OwnableInvalidOwner(address owner)
func VibeTokenOwnableInvalidOwnerErrorID() common.Hash {
	return common.HexToHash("0x1e4fbdf7f3ef8bcaa855599e3abf48b232380f183f08f6f813d9ffa5bd585188")
}

// UnpackOwnableInvalidOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error OwnableInvalidOwner(address owner)
func (vibeToken *VibeToken) UnpackOwnableInvalidOwnerError(raw []byte) (*VibeTokenOwnableInvalidOwner, error) {
	out := new(VibeTokenOwnableInvalidOwner)
	if err := vibeToken.abi.UnpackIntoInterface(out, "OwnableInvalidOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenOwnableUnauthorizedAccount represents a OwnableUnauthorizedAccount error raised by the VibeToken contract.
type VibeTokenOwnableUnauthorizedAccount struct {
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error OwnableUnauthorizedAccount(address account)
func VibeTokenOwnableUnauthorizedAccountErrorID() common.Hash {
	return common.HexToHash("0x118cdaa7a341953d1887a2245fd6665d741c67c8c50581daa59e1d03373fa188")
}

// UnpackOwnableUnauthorizedAccountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error OwnableUnauthorizedAccount(address account)
func (vibeToken *VibeToken) UnpackOwnableUnauthorizedAccountError(raw []byte) (*VibeTokenOwnableUnauthorizedAccount, error) {
	out := new(VibeTokenOwnableUnauthorizedAccount)
	if err := vibeToken.abi.UnpackIntoInterface(out, "OwnableUnauthorizedAccount", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// VibeTokenStringTooLong represents a StringTooLong error raised by the VibeToken contract.
type VibeTokenStringTooLong struct {
	Str string
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StringTooLong(string str)
func VibeTokenStringTooLongErrorID() common.Hash {
	return common.HexToHash("0x305a27a93f8e33b7392df0a0f91d6fc63847395853c45991eec52dbf24d72381")
}

// UnpackStringTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StringTooLong(string str)
func (vibeToken *VibeToken) UnpackStringTooLongError(raw []byte) (*VibeTokenStringTooLong, error) {
	out := new(VibeTokenStringTooLong)
	if err := vibeToken.abi.UnpackIntoInterface(out, "StringTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}
