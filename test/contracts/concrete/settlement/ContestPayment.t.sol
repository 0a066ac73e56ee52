// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ISettlementRegistry} from "../../../../contracts/interfaces/ISettlementRegistry.sol";
import {OracleSignature, PaymentReport} from "../../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";

/// @notice contestPayment: the borrower or the lawyer flags a recorded report within the window.
contract ContestPaymentTest is HejieTestBase {
    bytes32 internal constant REASON = keccak256("the bank shows no such transfer");

    bytes32 internal id;
    PaymentReport internal report;
    OracleSignature internal sig;

    function setUp() public override {
        super.setUp();
        (id, ) = _registerDefault();
        report = _report(id, 0, 100_000, uint40(_now() - 1 days));
        sig = _signReport(ORACLE_PK, report);
        registry.recordPayment(report, sig);
    }

    function _closesAt() internal view returns (uint256) {
        return uint256(report.paidAt) + CONTEST_WINDOW;
    }

    function _expectContestRevert(bytes memory err, address caller) internal {
        vm.expectRevert(err);
        vm.prank(caller);
        registry.contestPayment(report, sig, REASON);
    }

    function _invalidReportSignature() internal view returns (bytes memory) {
        return
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryInvalidReportSignature.selector,
                id,
                report.sequence
            );
    }

    /*//////////////////////////////////////////////////////////////
                                 SUCCESS
    //////////////////////////////////////////////////////////////*/

    function test_contestPayment_Borrower() public {
        bytes32 digest = registry.paymentReportDigest(report);
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.PaymentContested(id, 0, digest, borrower, REASON);
        vm.prank(borrower);
        registry.contestPayment(report, sig, REASON);
        assertEq(registry.contestedBy(id, 0), borrower, "contestedBy");
        assertEq(registry.contestedBy(id, 1), address(0), "another sequence is not contested");
    }

    function test_contestPayment_LawyerAtWindowEnd() public {
        vm.warp(_closesAt());
        vm.prank(lawyer);
        registry.contestPayment(report, sig, REASON);
        assertEq(registry.contestedBy(id, 0), lawyer, "contestedBy");
    }

    function test_contestPayment_AfterOracleRevoked() public {
        // The report was signed by an ORACLE key of this platform: revoking the key later does not
        // take the borrower's right to contest away.
        vm.prank(registrar);
        registry.revokeKey(oracle);
        vm.prank(borrower);
        registry.contestPayment(report, sig, REASON);
        assertEq(registry.contestedBy(id, 0), borrower, "contested");
    }

    function test_contestPayment_CompletedAgreement() public {
        _pay(id, _ledger(id).totalDue - report.amount);
        vm.prank(borrower);
        registry.contestPayment(report, sig, REASON);
        assertEq(registry.contestedBy(id, 0), borrower, "contested after completion");
    }

    /*//////////////////////////////////////////////////////////////
                                REFUSALS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_UnknownAgreement() public {
        bytes32 unknown = keccak256("unknown");
        report.settlementId = unknown;
        sig = _signReport(ORACLE_PK, report);
        _expectContestRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, unknown),
            borrower
        );
    }

    function test_RevertWhen_NotRecorded() public {
        report.sequence = 1;
        sig = _signReport(ORACLE_PK, report);
        _expectContestRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryReportNotRecorded.selector, id, 1),
            borrower
        );
    }

    function test_RevertWhen_NotParty() public {
        address[6] memory outsiders = [stranger, platform, oracle, otherBorrower, otherLawyer, committee];
        for (uint256 i = 0; i < outsiders.length; ++i) {
            _expectContestRevert(
                abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotParty.selector, id, outsiders[i]),
                outsiders[i]
            );
        }
    }

    function test_RevertWhen_PartyKeyRevoked() public {
        vm.prank(registrar);
        registry.revokeKey(borrower);
        _expectContestRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotParty.selector, id, borrower),
            borrower
        );
    }

    function test_RevertWhen_WindowClosed() public {
        vm.warp(_closesAt() + 1);
        _expectContestRevert(
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryContestWindowClosed.selector,
                id,
                0,
                _closesAt()
            ),
            lawyer
        );
    }

    function test_RevertWhen_AlreadyContested() public {
        vm.prank(borrower);
        registry.contestPayment(report, sig, REASON);
        _expectContestRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryAlreadyContested.selector, id, 0),
            lawyer
        );
        _expectContestRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryAlreadyContested.selector, id, 0),
            borrower
        );
    }

    function test_RevertWhen_ReportForged() public {
        report.paidAt = uint40(_now()); // moves the window: not what the oracle signed
        _expectContestRevert(_invalidReportSignature(), borrower);
    }

    function test_RevertWhen_SignedByPlatformKey() public {
        sig = _signReport(PLATFORM_PK, report);
        _expectContestRevert(_invalidReportSignature(), borrower);
    }

    function test_RevertWhen_SignedByOtherPlatformsOracle() public {
        sig = _signReport(OTHER_ORACLE_PK, report);
        _expectContestRevert(_invalidReportSignature(), borrower);
    }

    function test_RevertWhen_SignedByBorrower() public {
        sig = _signReport(BORROWER_PK, report);
        _expectContestRevert(_invalidReportSignature(), borrower);
    }

    function test_RevertWhen_SignatureMalformed() public {
        sig = OracleSignature({r: bytes32(0), vs: bytes32(0)});
        _expectContestRevert(_invalidReportSignature(), borrower);
    }
}
