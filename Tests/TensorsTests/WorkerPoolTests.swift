// The persistent worker pool (WorkerPool.c) behind every parallel kernel: each item runs exactly once, also when
// loops nest or several threads submit at once (the pool runs one job at a time; the others run inline).
import Foundation
import Testing
@testable import Tensors

@Suite struct WorkerPoolTests {
    /// Runs `count` items on `threads` threads and returns how often each item ran.
    private func visits(_ count: Int, threads: Int, nested: Int = 0) -> [Int] {
        let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
        hits.initialize(repeating: 0)
        defer { hits.deallocate() }
        WorkerPool.forEach(count, threads: threads) { item in
            // A nested loop runs inline on this thread, so the inner items write only this item's slot.
            var inner = 0
            WorkerPool.forEach(nested, threads: threads) { _ in inner += 1 }
            hits[item] += 1 + inner - nested
        }
        return Array(hits)
    }

    @Test(arguments: [0, 1, 2, 3, 17, 1000])
    func everyItemRunsOnce(count: Int) {
        for threads in [1, 2, 4] {
            #expect(visits(count, threads: threads) == Array(repeating: 1, count: count), "threads \(threads)")
        }
    }

    @Test func nestedLoopsRunInline() {
        #expect(visits(64, threads: 2, nested: 5) == Array(repeating: 1, count: 64))
    }

    @Test func singleThreadRunsInOrder() {
        var order: [Int] = []
        WorkerPool.forEach(10, threads: 1) { order.append($0) }
        #expect(order == Array(0..<10))
    }

    /// Several threads submit loops at once (as concurrent tests and pipelines do): every loop still completes with
    /// each item once, whichever thread ran it.
    @Test func concurrentCallersAllComplete() {
        let callers = 4, rounds = 200, count = 33
        nonisolated(unsafe) let failures = UnsafeMutableBufferPointer<Int>.allocate(capacity: callers)
        failures.initialize(repeating: 0)
        defer { failures.deallocate() }
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            for _ in 0..<rounds where visits(count, threads: 2) != Array(repeating: 1, count: count) {
                failures[caller] += 1
            }
        }
        #expect(Array(failures) == Array(repeating: 0, count: callers))
    }

    /// Items really spread over the pool's threads (else the pool would silently be serial).
    @Test func itemsRunOnSeveralThreads() {
        let count = 64
        let threadIDs = UnsafeMutableBufferPointer<UInt>.allocate(capacity: count)
        defer { threadIDs.deallocate() }
        var sawTwo = false
        for _ in 0..<50 where !sawTwo {
            WorkerPool.forEach(count, threads: 2) { item in
                threadIDs[item] = UInt(bitPattern: Int(bitPattern: pthread_self()))
                usleep(200)  // long enough that the worker takes some items
            }
            sawTwo = Set(threadIDs).count == 2
        }
        #expect(sawTwo)
    }
}
