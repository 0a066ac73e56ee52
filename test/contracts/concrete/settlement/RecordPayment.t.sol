// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IMemberRegistry} from "../../../../contracts/interfaces/IMemberRegistry.sol";
import {ISettlementRegistry} from "../../../../contracts/interfaces/ISettlementRegistry.sol";
import {Roles} from "../../../../contracts/libraries/Roles.sol";
import {
    Compliance,
    Ledger,
    OracleSignature,
    PaymentReport,
    SettlementTerms,
    Standing,
    Status
} from "../../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "../../utils/HejieTestBase.sol";

/// @notice recordPayment and recordPayments.
contract RecordPaymentTest is HejieTestBase {
    bytes32 internal id;
    uint64 internal total;

    function setUp() public override {
        super.setUp();
        SettlementTerms memory terms;
        (id, terms) = _registerDefault();
        total = terms.settledAmount;
    }

    function _expect(bytes4 selector, uint32 sequence) internal {
        vm.expectRevert(abi.encodeWithSelector(selector, id, sequence));
    }

    /*//////////////////////////////////////////////////////////////
                                 SUCCESS
    //////////////////////////////////////////////////////////////*/

    function test_recordPayment() public {
        uint40 paidAt = uint40(_now() - 1 hours);
        PaymentReport memory report = _report(id, 0, 150_000, paidAt);
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.PaymentRecorded(id, 0, 150_000, paidAt);
        vm.prank(stranger); // anyone may relay an oracle's report
        registry.recordPayment(report, sig);

        Ledger memory ledger = _ledger(id);
        assertEq(ledger.paidTotal, 150_000, "paidTotal");
        assertEq(ledger.reportCount, 1, "reportCount");
        assertTrue(ledger.status == Status.Active, "still Active");
        Compliance memory c = _compliance(id);
        assertEq(c.paidTotal, 150_000, "compliance paidTotal");
        assertEq(c.nextInstalment, 1, "first instalment settled");
        assertTrue(c.standing == Standing.Performing, "performing");
    }

    function test_recordPayment_CompletesAgreement() public {
        _pay(id, total - 1);
        PaymentReport memory report = _report(id, 1, 1, uint40(_now()));
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.PaymentRecorded(id, 1, 1, uint40(_now()));
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.StatusChanged(id, Status.Active, Status.Completed, bytes32(0));
        registry.recordPayment(report, sig);
        assertTrue(_status(id) == Status.Completed, "Completed");
        Compliance memory c = _compliance(id);
        assertTrue(c.standing == Standing.Completed, "standing Completed");
        assertEq(c.nextInstalment, 12, "every instalment settled");
    }

    function test_recordPayment_CompletesDefaultedAgreement() public {
        vm.warp(uint256(FIRST_DUE) + GRACE + CURE + 1);
        registry.declareDefault(id);
        vm.expectEmit(address(registry));
        emit ISettlementRegistry.StatusChanged(id, Status.InDefault, Status.Completed, bytes32(0));
        _pay(id, total);
        assertTrue(_status(id) == Status.Completed, "Completed");
    }

    function test_recordPayment_DisputedStaysDisputedWhenPaid() public {
        _dispute(id);
        _pay(id, total);
        Ledger memory ledger = _ledger(id);
        assertTrue(ledger.status == Status.Disputed, "the committee decides");
        assertEq(ledger.paidTotal, total, "paid in full");
    }

    function test_recordPayment_PaidBeforeRegistration() public {
        _payAt(id, 10, uint40(_now() - 365 days));
        assertEq(_ledger(id).paidTotal, 10, "a payment may predate registration");
    }

    function test_recordPayment_NewOracleKeyAfterRevocation() public {
        uint256 newOraclePk = 0x0E;
        vm.startPrank(registrar);
        registry.revokeKey(oracle);
        registry.addKey(platformId, vm.addr(newOraclePk), Roles.ORACLE);
        vm.stopPrank();
        PaymentReport memory report = _report(id, 0, 5, uint40(_now()));
        registry.recordPayment(report, _signReport(newOraclePk, report));
        assertEq(_ledger(id).paidTotal, 5, "recorded");
    }

    function test_recordPayments_Batch() public {
        PaymentReport[] memory reports = new PaymentReport[](3);
        OracleSignature[] memory sigs = new OracleSignature[](3);
        for (uint32 i = 0; i < 3; ++i) {
            reports[i] = _report(id, i, 1_000 * (i + 1), uint40(_now() - 3 days + i * 1 days));
            sigs[i] = _signReport(ORACLE_PK, reports[i]);
        }
        for (uint32 i = 0; i < 3; ++i) {
            vm.expectEmit(address(registry));
            emit ISettlementRegistry.PaymentRecorded(id, i, reports[i].amount, reports[i].paidAt);
        }
        registry.recordPayments(reports, sigs);
        Ledger memory ledger = _ledger(id);
        assertEq(ledger.reportCount, 3, "three reports");
        assertEq(ledger.paidTotal, 6_000, "sum");
    }

    function test_recordPayments_TwoPlatforms() public {
        // An agreement of the other platform, with the other oracle, in the same batch.
        SettlementTerms memory terms = _terms(300);
        terms.platform = otherPlatform;
        terms.platformNonce = 0;
        bytes32 otherId = registry.settlementId(terms, _evenSchedule(3, 100, 30));
        registry.register(
            terms,
            _evenSchedule(3, 100, 30),
            _sign(BORROWER_PK, otherId),
            _sign(OTHER_PLATFORM_PK, otherId),
            _sign(LAWYER_PK, otherId)
        );

        PaymentReport[] memory reports = new PaymentReport[](3);
        OracleSignature[] memory sigs = new OracleSignature[](3);
        reports[0] = _report(id, 0, 10, uint40(_now()));
        sigs[0] = _signReport(ORACLE_PK, reports[0]);
        reports[1] = _report(otherId, 0, 20, uint40(_now()));
        sigs[1] = _signReport(OTHER_ORACLE_PK, reports[1]);
        reports[2] = _report(id, 1, 30, uint40(_now()));
        sigs[2] = _signReport(ORACLE_PK, reports[2]);
        registry.recordPayments(reports, sigs);
        assertEq(_ledger(id).paidTotal, 40, "first platform");
        assertEq(_ledger(otherId).paidTotal, 20, "second platform");
    }

    /*//////////////////////////////////////////////////////////////
                           AGREEMENT REFUSALS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_UnknownAgreement() public {
        bytes32 unknown = keccak256("unknown");
        PaymentReport memory report = _report(unknown, 0, 1, uint40(_now()));
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, unknown));
        registry.recordPayment(report, sig);
    }

    function test_RevertWhen_CancelledAgreement() public {
        SettlementTerms memory terms = _terms(30);
        vm.prank(borrower);
        bytes32 cancelled = registry.cancel(terms, _evenSchedule(3, 10, 30));
        PaymentReport memory report = _report(cancelled, 0, 1, uint40(_now()));
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, cancelled));
        registry.recordPayment(report, sig);
    }

    function test_RevertWhen_Completed() public {
        _pay(id, total);
        _expectNotPayable(Status.Completed);
    }

    function test_RevertWhen_Terminated() public {
        _resolve(id, Status.Terminated);
        _expectNotPayable(Status.Terminated);
    }

    function test_RevertWhen_Superseded() public {
        SettlementTerms memory terms = _terms(100);
        terms.amends = id;
        _register(terms, _evenSchedule(1, 100, 1));
        _expectNotPayable(Status.Superseded);
    }

    function _expectNotPayable(Status status) internal {
        uint32 sequence = _ledger(id).reportCount;
        PaymentReport memory report = _report(id, sequence, 1, uint40(_now()));
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotPayable.selector, id, status));
        registry.recordPayment(report, sig);
    }

    /*//////////////////////////////////////////////////////////////
                            REPORT REFUSALS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_ZeroAmount() public {
        PaymentReport memory report = _report(id, 0, 0, uint40(_now()));
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        _expect(ISettlementRegistry.SettlementRegistryZeroPayment.selector, 0);
        registry.recordPayment(report, sig);
    }

    function test_RevertWhen_PaidInFuture() public {
        uint40 paidAt = uint40(_now() + 1);
        PaymentReport memory report = _report(id, 0, 1, paidAt);
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryPaymentInFuture.selector, id, 0, paidAt)
        );
        registry.recordPayment(report, sig);
    }

    function test_RevertWhen_Overpayment() public {
        _pay(id, 1_000);
        PaymentReport memory report = _report(id, 1, total - 999, uint40(_now()));
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryOverpayment.selector,
                id,
                1,
                total - 999,
                total - 1_000
            )
        );
        registry.recordPayment(report, sig);
    }

    function test_RevertWhen_AlreadyRecorded() public {
        PaymentReport memory first = _pay(id, 10);
        OracleSignature memory sig = _signReport(ORACLE_PK, first);
        _expect(ISettlementRegistry.SettlementRegistryReportAlreadyRecorded.selector, 0);
        registry.recordPayment(first, sig);
        // A different report reusing a recorded sequence number is refused as well.
        PaymentReport memory other = _report(id, 0, 20, uint40(_now()));
        sig = _signReport(ORACLE_PK, other);
        _expect(ISettlementRegistry.SettlementRegistryReportAlreadyRecorded.selector, 0);
        registry.recordPayment(other, sig);
    }

    function test_RevertWhen_SequenceGap() public {
        _pay(id, 10);
        PaymentReport memory report = _report(id, 2, 10, uint40(_now()));
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryReportOutOfOrder.selector, id, 2, 1)
        );
        registry.recordPayment(report, sig);
    }

    function test_RevertWhen_TooManyReports() public {
        // 65,535 reports would take too long to record one by one: set the counter in storage, after
        // locating the ledger's slot by its packed value.
        _pay(id, 1);
        bytes32 slot = _ledgerSlot(id);
        uint256 word = uint256(vm.load(address(registry), slot));
        word = (word & ~(uint256(type(uint16).max) << 40)) | (uint256(type(uint16).max) << 40);
        vm.store(address(registry), slot, bytes32(word));
        assertEq(_ledger(id).reportCount, type(uint16).max, "counter set");

        PaymentReport memory report = _report(id, type(uint16).max, 1, uint40(_now()));
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        vm.expectRevert(abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryTooManyReports.selector, id));
        registry.recordPayment(report, sig);
    }

    /// @dev The storage slot of `_ledgers[id]`, found by matching the fields of the packed ledger word
    /// (see `LedgerWord`: platformId bits 0-31, status 32-39, reportCount 40-55, first due 56-95 in
    /// calendar form, instalmentCount 96-111, regularAmount 112-159, totalDue 160-207, paidTotal 208-255).
    function _ledgerSlot(bytes32 settlement) internal view returns (bytes32) {
        Ledger memory ledger = _ledger(settlement);
        uint256 mask = ~(uint256(type(uint40).max) << 56); // every field but the first due time
        uint256 packed =
            uint256(ledger.platformId) |
                (uint256(uint8(ledger.status)) << 32) |
                (uint256(ledger.reportCount) << 40) |
                (uint256(ledger.instalmentCount) << 96) |
                (uint256(ledger.regularAmount) << 112) |
                (uint256(ledger.totalDue) << 160) |
                (uint256(ledger.paidTotal) << 208);
        for (uint256 s = 0; s < 64; ++s) {
            bytes32 slot = keccak256(abi.encode(settlement, s));
            if (uint256(vm.load(address(registry), slot)) & mask == packed) return slot;
        }
        revert AssertionFailed("ledger slot not found");
    }

    /*//////////////////////////////////////////////////////////////
                           SIGNATURE REFUSALS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_SignatureMalformed() public {
        PaymentReport memory report = _report(id, 0, 1, uint40(_now()));
        _expect(ISettlementRegistry.SettlementRegistryInvalidReportSignature.selector, 0);
        registry.recordPayment(report, OracleSignature({r: 0, vs: 0}));
    }

    function test_RevertWhen_SignatureHighS() public {
        PaymentReport memory report = _report(id, 0, 1, uint40(_now()));
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        // An s above half the curve order (EIP-2) is refused whatever r is; the compact form can hold
        // such an s as long as it is below 2^255.
        uint256 halfOrder = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;
        sig.vs = bytes32(halfOrder + 1);
        _expect(ISettlementRegistry.SettlementRegistryInvalidReportSignature.selector, 0);
        registry.recordPayment(report, sig);
        sig.vs = bytes32((1 << 255) | (halfOrder + 1));
        _expect(ISettlementRegistry.SettlementRegistryInvalidReportSignature.selector, 0);
        registry.recordPayment(report, sig);
    }

    function test_RevertWhen_ReportAltered() public {
        PaymentReport memory report = _report(id, 0, 1, uint40(_now()));
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        report.amount = 1_000; // the oracle signed 1
        address recovered = _recover(registry.paymentReportDigest(report), sig);
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyNotActive.selector, recovered));
        registry.recordPayment(report, sig);
    }

    function test_RevertWhen_OracleOfAnotherPlatform() public {
        PaymentReport memory report = _report(id, 0, 1, uint40(_now()));
        OracleSignature memory sig = _signReport(OTHER_ORACLE_PK, report);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryWrongPlatform.selector,
                id,
                otherPlatformId,
                platformId
            )
        );
        registry.recordPayment(report, sig);
    }

    function test_RevertWhen_SignedByPlatformKey() public {
        PaymentReport memory report = _report(id, 0, 1, uint40(_now()));
        OracleSignature memory sig = _signReport(PLATFORM_PK, report);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMemberRegistry.MemberRegistryWrongRole.selector,
                platform,
                Roles.ORACLE,
                Roles.PLATFORM
            )
        );
        registry.recordPayment(report, sig);
    }

    function test_RevertWhen_SignedByLawyer() public {
        PaymentReport memory report = _report(id, 0, 1, uint40(_now()));
        OracleSignature memory sig = _signReport(LAWYER_PK, report);
        vm.expectRevert(
            abi.encodeWithSelector(IMemberRegistry.MemberRegistryWrongRole.selector, lawyer, Roles.ORACLE, Roles.LAWYER)
        );
        registry.recordPayment(report, sig);
    }

    function test_RevertWhen_SignedByUnknownKey() public {
        PaymentReport memory report = _report(id, 0, 1, uint40(_now()));
        OracleSignature memory sig = _signReport(STRANGER_PK, report);
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyNotActive.selector, stranger));
        registry.recordPayment(report, sig);
    }

    function test_RevertWhen_OracleRevoked() public {
        vm.prank(registrar);
        registry.revokeKey(oracle);
        PaymentReport memory report = _report(id, 0, 1, uint40(_now()));
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyNotActive.selector, oracle));
        registry.recordPayment(report, sig);
    }

    function test_RevertWhen_PlatformSuspended() public {
        vm.prank(registrar);
        registry.suspendAccount(platformId);
        PaymentReport memory report = _report(id, 0, 1, uint40(_now()));
        OracleSignature memory sig = _signReport(ORACLE_PK, report);
        vm.expectRevert(abi.encodeWithSelector(IMemberRegistry.MemberRegistryKeyNotActive.selector, oracle));
        registry.recordPayment(report, sig);
    }

    /*//////////////////////////////////////////////////////////////
                             BATCH REFUSALS
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_BatchLengthMismatch() public {
        PaymentReport[] memory reports = new PaymentReport[](2);
        OracleSignature[] memory sigs = new OracleSignature[](1);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryBatchLengthMismatch.selector, 2, 1)
        );
        registry.recordPayments(reports, sigs);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryBatchLengthMismatch.selector, 0, 1)
        );
        registry.recordPayments(new PaymentReport[](0), sigs);
    }

    function test_RevertWhen_OneReportOfBatchBad() public {
        PaymentReport[] memory reports = new PaymentReport[](2);
        OracleSignature[] memory sigs = new OracleSignature[](2);
        reports[0] = _report(id, 0, 10, uint40(_now()));
        reports[1] = _report(id, 1, total, uint40(_now()));
        sigs[0] = _signReport(ORACLE_PK, reports[0]);
        sigs[1] = _signReport(ORACLE_PK, reports[1]);
        vm.expectRevert(
            abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryOverpayment.selector, id, 1, total, total - 10)
        );
        registry.recordPayments(reports, sigs);
        assertEq(_ledger(id).reportCount, 0, "the whole batch reverted");
    }

    function test_RevertWhen_BatchDuplicatesSequence() public {
        PaymentReport[] memory reports = new PaymentReport[](2);
        OracleSignature[] memory sigs = new OracleSignature[](2);
        reports[0] = _report(id, 0, 10, uint40(_now()));
        reports[1] = reports[0];
        sigs[0] = _signReport(ORACLE_PK, reports[0]);
        sigs[1] = sigs[0];
        _expect(ISettlementRegistry.SettlementRegistryReportAlreadyRecorded.selector, 0);
        registry.recordPayments(reports, sigs);
    }

    function test_RevertWhen_BatchOracleOfAnotherPlatform() public {
        PaymentReport[] memory reports = new PaymentReport[](2);
        OracleSignature[] memory sigs = new OracleSignature[](2);
        reports[0] = _report(id, 0, 10, uint40(_now()));
        reports[1] = _report(id, 1, 10, uint40(_now()));
        sigs[0] = _signReport(ORACLE_PK, reports[0]);
        sigs[1] = _signReport(OTHER_ORACLE_PK, reports[1]);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryWrongPlatform.selector,
                id,
                otherPlatformId,
                platformId
            )
        );
        registry.recordPayments(reports, sigs);
    }

    function _recover(bytes32 digest, OracleSignature memory sig) internal pure returns (address) {
        uint8 v = uint8((uint256(sig.vs) >> 255) + 27);
        bytes32 s = bytes32(uint256(sig.vs) & ((1 << 255) - 1));
        return ecrecover(digest, v, sig.r, s);
    }
}
