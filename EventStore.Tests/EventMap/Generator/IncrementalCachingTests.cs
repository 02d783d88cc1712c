using EventStore.EventMap;
using Microsoft.CodeAnalysis;

namespace EventStore.Tests.EventMap.Generator;

/// <summary>The generator's pipeline caches: edits that do not touch events or mappers do not regenerate anything.</summary>
public sealed class IncrementalCachingTests
{
    private const string Unrelated = "namespace Elsewhere { internal static class Clock { } }";
    private const string UnrelatedEdited = "namespace Elsewhere { internal static class Clock { public const int Hours = 24; } }";

    [Test]
    public void After_an_unrelated_edit_the_mapper_plans_and_the_generated_output_come_from_the_cache()
    {
        var (first, compilation) = RunWithUnrelatedFile();

        var second = GeneratorHarness.Run(ReplaceUnrelated(compilation, UnrelatedEdited), first.Driver).EventMap;

        Reasons(second, TrackingNames.DomainEvents).ShouldAllBe(r => r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged);
        Reasons(second, TrackingNames.Mappers).ShouldAllBe(r => r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged);
        Reasons(second, TrackingNames.MapperPlans).ShouldAllBe(r => r == IncrementalStepRunReason.Cached || r == IncrementalStepRunReason.Unchanged);
        OutputReasons(second).ShouldAllBe(r => r == IncrementalStepRunReason.Cached);
    }

    [Test]
    public void After_an_edit_that_adds_an_event_the_mapper_is_planned_and_generated_again()
    {
        var (first, compilation) = RunWithUnrelatedFile();
        var added = """
            using EventStore.EventMap;
            namespace Users.Events.V1 { [DomainEvent] internal sealed record UserDeleted(string UserId); }
            """;

        var second = GeneratorHarness.Run(ReplaceUnrelated(compilation, added), first.Driver).EventMap;

        Reasons(second, TrackingNames.MapperPlans).ShouldBe([IncrementalStepRunReason.Modified]);
        OutputReasons(second).ShouldContain(IncrementalStepRunReason.Modified);
    }

    private static (GeneratorRun Run, Compilation Compilation) RunWithUnrelatedFile()
    {
        var compilation = GeneratorHarness.Compile([.. UsersModel.All, Unrelated]);
        var run = GeneratorHarness.Run(compilation);
        Reasons(run.EventMap, TrackingNames.MapperPlans).ShouldBe([IncrementalStepRunReason.New]);
        return (run, compilation);
    }

    private static Compilation ReplaceUnrelated(Compilation compilation, string source)
    {
        var unrelated = compilation.SyntaxTrees.Last();
        return compilation.ReplaceSyntaxTree(unrelated, GeneratorHarness.Parse(source, unrelated.FilePath));
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRunResult result, string stepName) =>
        [.. result.TrackedSteps[stepName].SelectMany(step => step.Outputs).Select(output => output.Reason)];

    private static IncrementalStepRunReason[] OutputReasons(GeneratorRunResult result) =>
        [.. result.TrackedOutputSteps.SelectMany(steps => steps.Value).SelectMany(step => step.Outputs).Select(output => output.Reason)];
}
