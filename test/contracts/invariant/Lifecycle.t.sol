// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";

import {ISettlementRegistry} from "../../../contracts/interfaces/ISettlementRegistry.sol";
import {
    Instalment,
    Ledger,
    MonthlyPlan,
    OracleSignature,
    PaymentReport,
    Profile,
    SettlementTerms,
    Standing,
    Status
} from "../../../contracts/types/SettlementTypes.sol";
import {HejieTestBase} from "../utils/HejieTestBase.sol";
import {IHejieRegistry} from "../utils/Interfaces.sol";
import {TestBase} from "../utils/TestBase.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice Invariants of the agreement lifecycle under random sequences of valid and invalid actions
/// (performed by `LifecycleHandler`, below; the list is in `test/contracts/README.md`).
contract LifecycleInvariantTest is TestBase {
    /// @dev The shape EDR (like Foundry) reads from `targetSelectors()`.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    LifecycleHandler internal handler;
    IHejieRegistry internal registry;

    function setUp() public {
        handler = new LifecycleHandler();
        registry = IHejieRegistry(handler.registryAddress());
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](13);
        selectors[0] = LifecycleHandler.registerMonthly.selector;
        selectors[1] = LifecycleHandler.registerExplicit.selector;
        selectors[2] = LifecycleHandler.registerInvalid.selector;
        selectors[3] = LifecycleHandler.cancel.selector;
        selectors[4] = LifecycleHandler.amend.selector;
        selectors[5] = LifecycleHandler.pay.selector;
        selectors[6] = LifecycleHandler.pay.selector; // payments twice as often
        selectors[7] = LifecycleHandler.payInvalid.selector;
        selectors[8] = LifecycleHandler.warp.selector;
        selectors[9] = LifecycleHandler.declareDefault.selector;
        selectors[10] = LifecycleHandler.resolve.selector;
        selectors[11] = LifecycleHandler.resolveUnauthorised.selector;
        selectors[12] = LifecycleHandler.increaseNonce.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }

    /*//////////////////////////////////////////////////////////////
                               INVARIANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev Every action ended as predicted (the right error, or success), and every stored status is
    /// the one the registry's events announced.
    function invariant_ActionsBehaveAsPredicted() public view {
        if (handler.violationCount() != 0) revert AssertionFailed(handler.violations(0));
    }

    /// @dev Every observed transition is in the table of `Status` (contracts/types/SettlementTypes.sol).
    function invariant_TransitionsFollowTheTable() public view {
        uint256 count = handler.transitionCount();
        for (uint256 i = 0; i < count; ++i) {
            (, Status from, Status to) = handler.transitionAt(i);
            if (!_documented(from, to)) {
                revert AssertionFailedUint("undocumented transition (from * 10 + to)", uint8(from) * 10 + uint8(to), 0);
            }
        }
    }

    /// @dev Completed, Terminated, Superseded and Cancelled are final: no transition leaves them, and the
    /// ledger of a final agreement never changes.
    function invariant_FinalStatusesNeverChange() public view {
        uint256 count = handler.transitionCount();
        for (uint256 i = 0; i < count; ++i) {
            (, Status from, ) = handler.transitionAt(i);
            assertFalse(_final(from), "a transition left a final status");
        }
        uint256 ids = handler.idCount();
        for (uint256 i = 0; i < ids; ++i) {
            bytes32 id = handler.ids(i);
            Status observed = handler.observedStatus(id);
            (Ledger memory ledger, ) = registry.getSettlement(id);
            assertEq(uint8(ledger.status), uint8(observed), "stored status");
            if (observed == Status.Completed || observed == Status.Terminated || observed == Status.Superseded) {
                assertEq(ledger.paidTotal, handler.paidWhenFinal(id), "paid total of a final agreement");
                assertEq(ledger.reportCount, handler.reportsWhenFinal(id), "reports of a final agreement");
            }
        }
    }

    function invariant_PaidTotalNeverAboveTotalDue() public view {
        uint256 ids = handler.idCount();
        for (uint256 i = 0; i < ids; ++i) {
            (Ledger memory ledger, ) = registry.getSettlement(handler.ids(i));
            assertLe(ledger.paidTotal, ledger.totalDue, "paidTotal <= totalDue");
        }
    }

    /// @dev For agreements that were never Disputed, Terminated or Superseded: Completed exactly when
    /// paid in full.
    function invariant_CompletedIffFullyPaid() public view {
        uint256 ids = handler.idCount();
        for (uint256 i = 0; i < ids; ++i) {
            bytes32 id = handler.ids(i);
            if (handler.leftTheNormalPath(id)) continue;
            (Ledger memory ledger, ) = registry.getSettlement(id);
            if (ledger.status == Status.Cancelled) continue;
            assertEq(
                ledger.status == Status.Completed,
                ledger.paidTotal == ledger.totalDue,
                "Completed <=> paidTotal == totalDue"
            );
        }
    }

    function invariant_ReportCountEqualsSuccessfulPayments() public view {
        uint256 ids = handler.idCount();
        for (uint256 i = 0; i < ids; ++i) {
            bytes32 id = handler.ids(i);
            (Ledger memory ledger, Profile memory profile) = registry.getSettlement(id);
            assertEq(ledger.reportCount, handler.successfulPayments(id), "reportCount == successful payments");
            if (ledger.status != Status.Cancelled) assertTrue(profile.registeredAt != 0, "registered");
        }
    }

    /*//////////////////////////////////////////////////////////////
                          THE DOCUMENTED TABLE
    //////////////////////////////////////////////////////////////*/

    function _final(Status s) internal pure returns (bool) {
        return s == Status.Completed || s == Status.Terminated || s == Status.Superseded || s == Status.Cancelled;
    }

    /// @dev The table of `Status`, as written in its NatSpec.
    function _documented(Status from, Status to) internal pure returns (bool) {
        if (from == Status.None) return to == Status.Active || to == Status.Cancelled;
        if (from == Status.Active) {
            return
                to == Status.Completed ||
                to == Status.InDefault ||
                to == Status.Disputed ||
                to == Status.Terminated ||
                to == Status.Superseded;
        }
        if (from == Status.InDefault) {
            return
                to == Status.Completed || to == Status.Disputed || to == Status.Terminated || to == Status.Superseded;
        }
        if (from == Status.Disputed) {
            return
                to == Status.Active ||
                to == Status.InDefault ||
                to == Status.Terminated ||
                to == Status.Completed ||
                to == Status.Superseded;
        }
        return false;
    }
}

/// @dev In this file rather than its own: the fuzzer finds target contracts by their artifacts, and
/// Hardhat writes artifacts for the contracts of the test files it compiles, so running this file
/// alone must compile the handler too.
/// @title LifecycleHandler
/// @notice What the invariant fuzzer drives: random valid and invalid actions on one Hejie deployment
/// (the handler deploys its own, as the fixture does). Every action predicts its outcome first (which
/// error, or success) and records a violation when the registry disagrees; every status change the
/// registry announces is recorded, checked against the status the handler last saw, and the stored
/// statuses are compared with what the events said after every action.
contract LifecycleHandler is HejieTestBase {
    struct Transition {
        bytes32 id;
        Status from;
        Status to;
    }

    /// @dev At most this many agreements per run, so that every invariant check stays cheap.
    uint256 internal constant MAX_AGREEMENTS = 24;

    bytes32 internal constant REGISTERED = ISettlementRegistry.SettlementRegistered.selector;
    bytes32 internal constant CANCELLED = ISettlementRegistry.SettlementCancelled.selector;
    bytes32 internal constant STATUS_CHANGED = ISettlementRegistry.StatusChanged.selector;

    bytes4 internal constant OVERPAYMENT = ISettlementRegistry.SettlementRegistryOverpayment.selector;
    bytes4 internal constant PAYMENT_IN_FUTURE = ISettlementRegistry.SettlementRegistryPaymentInFuture.selector;
    bytes4 internal constant ZERO_PAYMENT = ISettlementRegistry.SettlementRegistryZeroPayment.selector;
    bytes4 internal constant OUT_OF_ORDER = ISettlementRegistry.SettlementRegistryReportOutOfOrder.selector;
    bytes4 internal constant ALREADY_RECORDED = ISettlementRegistry.SettlementRegistryReportAlreadyRecorded.selector;
    bytes4 internal constant WRONG_PLATFORM = ISettlementRegistry.SettlementRegistryWrongPlatform.selector;

    bytes32[] public ids;
    Transition[] internal _transitions;
    string[] public violations;

    /// @dev The status each agreement had after its last announced change.
    mapping(bytes32 id => Status) public observedStatus;
    mapping(bytes32 id => uint256) public successfulPayments;
    /// @dev Ever Disputed, Terminated or Superseded.
    mapping(bytes32 id => bool) public leftTheNormalPath;
    /// @dev Ledger totals when the agreement reached a final status.
    mapping(bytes32 id => uint256) public paidWhenFinal;
    mapping(bytes32 id => uint256) public reportsWhenFinal;

    mapping(string action => uint256) public calls;

    constructor() {
        setUp();
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    function transitionCount() external view returns (uint256) {
        return _transitions.length;
    }

    function transitionAt(uint256 i) external view returns (bytes32, Status, Status) {
        Transition memory t = _transitions[i];
        return (t.id, t.from, t.to);
    }

    function violationCount() external view returns (uint256) {
        return violations.length;
    }

    function registryAddress() external view returns (address) {
        return address(registry);
    }

    /*//////////////////////////////////////////////////////////////
                              REGISTRATION
    //////////////////////////////////////////////////////////////*/

    function registerMonthly(uint256 seed) external {
        if (ids.length >= MAX_AGREEMENTS) return;
        ++calls["registerMonthly"];
        MonthlyPlan memory plan = _plan(
            _firstDue(seed),
            uint16(bound(seed >> 40, 1, 12)),
            uint64(bound(seed >> 56, 1, 1_000_000)),
            uint64(bound(seed >> 96, 1, 1_000_000))
        );
        SettlementTerms memory terms = _terms(_planTotal(plan));
        bytes32 id = registry.settlementId(terms, _instalmentsOf(plan));
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signatures(id);
        vm.recordLogs();
        try registry.registerMonthly(terms, plan, sigB, sigP, sigL) {} catch (bytes memory err) {
            _violation("registerMonthly reverted", err);
        }
        _afterAction();
    }

    function registerExplicit(uint256 seed) external {
        if (ids.length >= MAX_AGREEMENTS) return;
        ++calls["registerExplicit"];
        Instalment[] memory list = _explicit(seed);
        SettlementTerms memory terms = _terms(_sum(list));
        vm.recordLogs();
        bytes32 id = registry.settlementId(terms, list);
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signatures(id);
        try registry.register(terms, list, sigB, sigP, sigL) {} catch (bytes memory err) {
            _violation("register reverted", err);
        }
        _afterAction();
    }

    /// @dev An expired, stale-nonce or wrongly signed registration, or a replay: refused.
    function registerInvalid(uint256 seed) external {
        ++calls["registerInvalid"];
        uint256 kind = seed % 4;
        if (kind == 3) return _replay(seed);
        Instalment[] memory list = _explicit(seed);
        SettlementTerms memory terms = _terms(_sum(list));
        bytes memory expected;
        if (kind == 0) {
            terms.deadline = uint40(_now() - 1);
            expected = abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryExpired.selector, terms.deadline);
        } else if (kind == 1) {
            terms.borrowerNonce += 1;
            expected = abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryStaleNonce.selector,
                borrower,
                terms.borrowerNonce,
                terms.borrowerNonce - 1
            );
        } else {
            expected = abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryInvalidSignature.selector, lawyer);
        }
        bytes32 digest = registry.settlementId(terms, list);
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signatures(digest);
        if (kind == 2) sigL = _sign(STRANGER_PK, digest);
        vm.recordLogs();
        try registry.register(terms, list, sigB, sigP, sigL) {
            _violation("invalid registration accepted", "");
        } catch (bytes memory err) {
            _expectError(err, expected, "invalid registration: wrong error");
        }
        _afterAction();
    }

    /// @dev Registers fresh terms, then submits them again: AlreadyRegistered.
    function _replay(uint256 seed) internal {
        if (ids.length >= MAX_AGREEMENTS) return;
        Instalment[] memory list = _explicit(seed);
        SettlementTerms memory terms = _terms(_sum(list));
        bytes32 id = registry.settlementId(terms, list);
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signatures(id);
        vm.recordLogs();
        try registry.register(terms, list, sigB, sigP, sigL) {} catch (bytes memory err) {
            _violation("register reverted", err);
        }
        _afterAction();
        vm.recordLogs();
        try registry.register(terms, list, sigB, sigP, sigL) {
            _violation("replay accepted", "");
        } catch (bytes memory err) {
            _expectError(
                err,
                abi.encodeWithSelector(
                    ISettlementRegistry.SettlementRegistryAlreadyRegistered.selector,
                    id,
                    Status.Active
                ),
                "replay: wrong error"
            );
        }
        _afterAction();
    }

    /// @dev A party cancels fresh terms; registering them afterwards is refused.
    function cancel(uint256 seed) external {
        if (ids.length >= MAX_AGREEMENTS) return;
        ++calls["cancel"];
        Instalment[] memory list = _explicit(seed);
        SettlementTerms memory terms = _terms(_sum(list));
        bytes32 id = registry.settlementId(terms, list);
        address[3] memory parties = [borrower, platform, lawyer];
        vm.recordLogs();
        vm.prank(parties[seed % 3]);
        try registry.cancel(terms, list) {} catch (bytes memory err) {
            _violation("cancel reverted", err);
        }
        _afterAction();
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signatures(id);
        vm.recordLogs();
        try registry.register(terms, list, sigB, sigP, sigL) {
            _violation("cancelled terms registered", "");
        } catch (bytes memory err) {
            _expectError(
                err,
                abi.encodeWithSelector(ISettlementRegistry.SettlementRegistrySignatureCancelled.selector, id),
                "cancelled: wrong error"
            );
        }
        _afterAction();
    }

    /// @dev An amendment of a tracked agreement: supersedes it when it is Active, InDefault or Disputed.
    function amend(uint256 index, uint256 seed) external {
        if (ids.length == 0 || ids.length >= MAX_AGREEMENTS) return;
        ++calls["amend"];
        bytes32 target = ids[index % ids.length];
        Status status = _status(target);
        MonthlyPlan memory plan = _plan(_firstDue(seed), uint16(bound(seed >> 40, 1, 6)), 1_000, 500);
        SettlementTerms memory terms = _terms(_planTotal(plan));
        terms.amends = target;
        bytes32 id = registry.settlementId(terms, _instalmentsOf(plan));
        (bytes memory sigB, bytes memory sigP, bytes memory sigL) = _signatures(id);
        bool amendable = status == Status.Active || status == Status.InDefault || status == Status.Disputed;
        vm.recordLogs();
        try registry.registerMonthly(terms, plan, sigB, sigP, sigL) {
            if (!amendable) _violation("amended a final agreement", "");
        } catch (bytes memory err) {
            if (amendable) _violation("amendment reverted", err);
            else if (status == Status.Cancelled) {
                _expectError(
                    err,
                    abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, target),
                    "amend cancelled: wrong error"
                );
            } else {
                _expectError(
                    err,
                    abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotAmendable.selector, target, status),
                    "amend final: wrong error"
                );
            }
        }
        _afterAction();
    }

    /*//////////////////////////////////////////////////////////////
                                PAYMENTS
    //////////////////////////////////////////////////////////////*/

    /// @dev The platform's oracle reports a payment of a random amount, paid at a random past time.
    function pay(uint256 index, uint256 amountSeed, uint256 paidAtSeed) external {
        if (ids.length == 0) return;
        ++calls["pay"];
        bytes32 id = ids[index % ids.length];
        Ledger memory ledger = _ledger(id);
        Status status = ledger.status;
        uint256 outstanding = uint256(ledger.totalDue) - ledger.paidTotal;
        // A quarter of the payments settle everything left; the others pay a random part.
        uint256 amount =
            amountSeed % 4 == 0 && outstanding != 0
                ? outstanding
                : bound(amountSeed, 1, outstanding == 0 ? 1 : outstanding);
        uint256 paidAt = _now() - bound(paidAtSeed, 0, _now() < 30 days ? _now() : 30 days);
        PaymentReport memory report = _report(id, ledger.reportCount, uint64(amount), uint40(paidAt));
        OracleSignature memory sig = _signReport(ORACLE_PK, report);

        bytes memory expected;
        if (status == Status.Cancelled) {
            expected = abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, id);
        } else if (status != Status.Active && status != Status.InDefault && status != Status.Disputed) {
            expected = abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotPayable.selector, id, status);
        } else if (outstanding == 0) {
            expected = abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryOverpayment.selector,
                id,
                report.sequence,
                uint64(amount),
                0
            );
        }
        vm.recordLogs();
        try registry.recordPayment(report, sig) {
            if (expected.length != 0) _violation("payment accepted", expected);
            else ++successfulPayments[id];
        } catch (bytes memory err) {
            if (expected.length == 0) _violation("payment reverted", err);
            else _expectError(err, expected, "payment: wrong error");
        }
        _afterAction();
    }

    /// @dev A payment that must be refused: overpaid, in the future, zero, out of sequence, replayed
    /// or signed by another platform's oracle.
    function payInvalid(uint256 index, uint256 kind) external {
        if (ids.length == 0) return;
        bytes32 id = ids[index % ids.length];
        Ledger memory ledger = _ledger(id);
        if (ledger.status != Status.Active && ledger.status != Status.InDefault && ledger.status != Status.Disputed) {
            return;
        }
        if (kind % 6 == 4 && ledger.reportCount == 0) return; // nothing recorded to replay
        ++calls["payInvalid"];
        (PaymentReport memory report, uint256 oraclePk, bytes memory expected) = _invalidReport(id, ledger, kind % 6);
        OracleSignature memory sig = _signReport(oraclePk, report);
        vm.recordLogs();
        try registry.recordPayment(report, sig) {
            _violation("invalid payment accepted", expected);
        } catch (bytes memory err) {
            _expectError(err, expected, "invalid payment: wrong error");
        }
        _afterAction();
    }

    /// @dev The report of `payInvalid`, its signer and the error it must meet.
    function _invalidReport(
        bytes32 id,
        Ledger memory ledger,
        uint256 kind
    ) internal view returns (PaymentReport memory report, uint256 oraclePk, bytes memory expected) {
        uint256 outstanding = uint256(ledger.totalDue) - ledger.paidTotal;
        uint32 sequence = ledger.reportCount;
        report = _report(id, sequence, 1, uint40(_now()));
        oraclePk = ORACLE_PK;
        if (kind == 0) {
            report.amount = uint64(outstanding + 1);
            expected = abi.encodeWithSelector(OVERPAYMENT, id, sequence, report.amount, outstanding);
        } else if (kind == 1) {
            report.paidAt = uint40(_now() + 1);
            expected = abi.encodeWithSelector(PAYMENT_IN_FUTURE, id, sequence, report.paidAt);
        } else if (kind == 2) {
            report.amount = 0;
            expected = abi.encodeWithSelector(ZERO_PAYMENT, id, sequence);
        } else if (kind == 3) {
            report.sequence = sequence + 1;
            expected = abi.encodeWithSelector(OUT_OF_ORDER, id, sequence + 1, sequence);
        } else if (kind == 4) {
            report.sequence = sequence - 1;
            expected = abi.encodeWithSelector(ALREADY_RECORDED, id, sequence - 1);
        } else {
            oraclePk = OTHER_ORACLE_PK;
            expected = abi.encodeWithSelector(WRONG_PLATFORM, id, otherPlatformId, platformId);
        }
    }

    /*//////////////////////////////////////////////////////////////
                          TIME AND THE LIFECYCLE
    //////////////////////////////////////////////////////////////*/

    function warp(uint256 seconds_) external {
        ++calls["warp"];
        vm.warp(_now() + bound(seconds_, 1 hours, 45 days));
    }

    /// @dev Anyone declares a default: accepted exactly when the agreement is Active and Defaulted.
    function declareDefault(uint256 index) external {
        if (ids.length == 0) return;
        ++calls["declareDefault"];
        bytes32 id = ids[index % ids.length];
        Status status = _status(id);
        bytes memory expected;
        if (status == Status.Cancelled) {
            expected = abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, id);
        } else if (status != Status.Active) {
            expected = abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryTransitionNotAllowed.selector,
                id,
                status,
                Status.InDefault
            );
        } else if (_compliance(id).standing != Standing.Defaulted) {
            expected = abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotDefaulted.selector, id);
        }
        vm.recordLogs();
        vm.prank(stranger);
        try registry.declareDefault(id) {
            if (expected.length != 0) _violation("declareDefault accepted", expected);
        } catch (bytes memory err) {
            if (expected.length == 0) _violation("declareDefault reverted", err);
            else _expectError(err, expected, "declareDefault: wrong error");
        }
        _afterAction();
    }

    /// @dev The RESOLVER moves an agreement to any status: accepted exactly along the documented table
    /// (a fully paid Disputed agreement may only be completed or terminated).
    function resolve(uint256 index, uint256 toSeed) external {
        if (ids.length == 0) return;
        ++calls["resolve"];
        bytes32 id = ids[index % ids.length];
        Ledger memory ledger = _ledger(id);
        Status from = ledger.status;
        bool fullyPaid = ledger.paidTotal == ledger.totalDue;
        // Two times in three the committee decides something the table allows (when anything is).
        Status[] memory options = _allowedTargets(from, fullyPaid);
        Status to =
            toSeed % 3 != 0 && options.length != 0 ? options[(toSeed / 3) % options.length] : Status(toSeed % 8);
        bool allowed;
        for (uint256 i = 0; i < options.length; ++i) if (options[i] == to) allowed = true;
        bytes memory expected;
        if (from == Status.Cancelled) {
            expected = abi.encodeWithSelector(ISettlementRegistry.SettlementRegistryNotFound.selector, id);
        } else if (!allowed) {
            expected = abi.encodeWithSelector(
                ISettlementRegistry.SettlementRegistryTransitionNotAllowed.selector,
                id,
                from,
                to
            );
        }
        vm.recordLogs();
        vm.prank(resolver);
        try registry.transition(id, to, keccak256(abi.encode("resolution", id, to))) {
            if (expected.length != 0) _violation("transition accepted", expected);
        } catch (bytes memory err) {
            if (expected.length == 0) _violation("transition reverted", err);
            else _expectError(err, expected, "transition: wrong error");
        }
        _afterAction();
    }

    /// @dev Where the RESOLVER may take an agreement: the table of `Status`, where a fully paid Disputed
    /// agreement may only be completed or terminated.
    function _allowedTargets(Status from, bool fullyPaid) internal pure returns (Status[] memory targets) {
        if (from == Status.Active || from == Status.InDefault) {
            targets = new Status[](2);
            (targets[0], targets[1]) = (Status.Disputed, Status.Terminated);
        } else if (from == Status.Disputed && fullyPaid) {
            targets = new Status[](2);
            (targets[0], targets[1]) = (Status.Completed, Status.Terminated);
        } else if (from == Status.Disputed) {
            targets = new Status[](3);
            (targets[0], targets[1], targets[2]) = (Status.Active, Status.InDefault, Status.Terminated);
        }
    }

    /// @dev Anyone but the RESOLVER is refused by the AccessManager.
    function resolveUnauthorised(uint256 index, uint256 toSeed) external {
        if (ids.length == 0) return;
        ++calls["resolveUnauthorised"];
        bytes32 id = ids[index % ids.length];
        address[3] memory callers = [committee, lawyer, admin];
        address caller = callers[toSeed % 3];
        vm.recordLogs();
        vm.prank(caller);
        try registry.transition(id, Status(toSeed % 8), bytes32(0)) {
            _violation("unauthorised transition accepted", "");
        } catch (bytes memory err) {
            _expectError(
                err,
                abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, caller),
                "unauthorised transition: wrong error"
            );
        }
        _afterAction();
    }

    /// @dev A party cancels its outstanding signatures; later registrations sign at the new nonce.
    function increaseNonce(uint256 who) external {
        ++calls["increaseNonce"];
        address[3] memory parties = [borrower, platform, lawyer];
        vm.prank(parties[who % 3]);
        registry.increaseNonce();
    }

    /*//////////////////////////////////////////////////////////////
                               OBSERVATION
    //////////////////////////////////////////////////////////////*/

    /// @dev Reads the registry's events of the action: each registration (None → Active), cancellation
    /// (None → Cancelled) and status change must start from the status last seen; then every tracked
    /// agreement's stored status must be the one its events announced.
    function _afterAction() internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != address(registry)) continue;
            bytes32 topic = logs[i].topics[0];
            if (topic == REGISTERED) {
                _observe(logs[i].topics[1], Status.None, Status.Active);
            } else if (topic == CANCELLED) {
                _observe(logs[i].topics[1], Status.None, Status.Cancelled);
            } else if (topic == STATUS_CHANGED) {
                (Status from, Status to, ) = abi.decode(logs[i].data, (Status, Status, bytes32));
                _observe(logs[i].topics[1], from, to);
            }
        }
        for (uint256 i = 0; i < ids.length; ++i) {
            if (_status(ids[i]) != observedStatus[ids[i]]) _violation("stored status differs from the events", "");
        }
    }

    function _observe(bytes32 id, Status from, Status to) internal {
        if (from == Status.None && observedStatus[id] == Status.None) ids.push(id);
        if (observedStatus[id] != from) _violation("a status change did not start from the last status", "");
        _transitions.push(Transition({id: id, from: from, to: to}));
        observedStatus[id] = to;
        if (to == Status.Disputed || to == Status.Terminated || to == Status.Superseded) leftTheNormalPath[id] = true;
        if (to == Status.Completed || to == Status.Terminated || to == Status.Superseded) {
            Ledger memory ledger = _ledger(id);
            paidWhenFinal[id] = ledger.paidTotal;
            reportsWhenFinal[id] = ledger.reportCount;
        }
    }

    function _expectError(bytes memory actual, bytes memory expected, string memory what) internal {
        if (keccak256(actual) != keccak256(expected)) _violation(what, actual);
    }

    function _violation(string memory what, bytes memory detail) internal {
        violations.push(string.concat(what, ": ", _hex(detail)));
    }

    /*//////////////////////////////////////////////////////////////
                                BUILDERS
    //////////////////////////////////////////////////////////////*/

    /// @dev A first due time within 60 days either side of now.
    function _firstDue(uint256 seed) internal view returns (uint40) {
        uint256 earliest = _now() > 60 days ? _now() - 60 days : 0;
        return uint40(earliest + bound(seed, 0, 120 days));
    }

    /// @dev One to eight instalments, whole days apart.
    function _explicit(uint256 seed) internal view returns (Instalment[] memory list) {
        uint256 count = bound(seed >> 40, 1, 8);
        list = new Instalment[](count);
        uint256 due = _firstDue(seed);
        for (uint256 i = 0; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            if (i != 0) due += bound(r, 1, 40) * 1 days;
            list[i] = Instalment({dueAt: uint40(due), amount: uint64(bound(r >> 64, 1, 1_000_000))});
        }
    }

    function _hex(bytes memory data) internal pure returns (string memory) {
        bytes memory digits = "0123456789abcdef";
        bytes memory out = new bytes(2 + data.length * 2);
        out[0] = "0";
        out[1] = "x";
        for (uint256 i = 0; i < data.length; ++i) {
            out[2 + 2 * i] = digits[uint8(data[i]) >> 4];
            out[3 + 2 * i] = digits[uint8(data[i]) & 0x0f];
        }
        return string(out);
    }
}
