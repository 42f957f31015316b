// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title VIBE, the VibeStream reward token.
/// @notice 18 decimals (the platform ledger keeps 9; the adapter converts exactly). Only the
/// owner (the platform treasury hot wallet) can mint; anyone can burn their own tokens.
contract VibeToken is ERC20, ERC20Permit, Ownable {
    constructor(address platform) ERC20("VibeStream", "VIBE") ERC20Permit("VibeStream") Ownable(platform) {}

    /// @notice Mints new VIBE to `to`. Restricted to the platform.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /// @notice Burns `amount` of the caller's VIBE.
    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }
}
