using System.Text.RegularExpressions;
using EventStore.Tests.Store;

namespace EventStore.Tests.Model;

/// <summary>
/// Random programs of concurrent appends, checked against the in-memory model and the stored rows. FsCheck generates
/// the programs and shrinks a failing one to a few readable commands.
/// </summary>
public sealed partial class AppendModelTests : StoreFixture
{
    // Enough programs to meet every kind of outcome, few enough to finish in seconds on two cores.
    private const int Programs = 40;

    [Test]
    public void Concurrent_appends_with_random_expected_versions_keep_every_invariant_of_the_model()
    {
        var tally = new ModelTally();

        var verdict = PropertyCheck.Run(Db, Programs, history =>
        {
            tally.Add(history);
            AppendInvariants.Check(history);
        });

        TestContext.Progress.WriteLine(tally);
        verdict.Counterexample.ShouldBeNull(verdict.Report);
        tally.Runs.ShouldBe(Programs);
        tally.CheckedSuccesses.ShouldBeGreaterThan(0, "some NoStream or Exact appends succeeded");
        (tally.ConflictsWithActual + tally.ConflictsWithoutActual).ShouldBeGreaterThan(0, "some appends conflicted");
    }

    [Test]
    public void A_false_property_is_refuted_with_a_shrunk_counterexample_of_a_few_readable_commands()
    {
        var verdict = PropertyCheck.Run(Db, Programs, history =>
        {
            if (history.Conflicts.Any())
            {
                throw new ModelViolationException($"Invariant violated: no append ever conflicts{Environment.NewLine}{history}");
            }
        });

        TestContext.Progress.WriteLine(verdict.Report);
        var counterexample = verdict.Counterexample.ShouldNotBeNull("appends with random expected versions conflict");
        counterexample.Commands.Count.ShouldBeLessThanOrEqualTo(3);
        verdict.Report.ShouldContain(counterexample.ToString());
        verdict.Report.ShouldContain("Invariant violated: no append ever conflicts");
        counterexample.Commands.ShouldAllBe(command => ReadableCommand().IsMatch(command.ToString()));
    }

    [GeneratedRegex(@"^c\d: (Any|NoStream|Exact\(\d+\)) ×[1-3] → agg-[1-3]$")]
    private static partial Regex ReadableCommand();
}
