using FsCheck;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace EventStore.Tests.Model;

/// <summary>Keeps FsCheck's verdict instead of printing it, so a test can look at the shrunk counterexample itself.</summary>
internal sealed class RecordingRunner : IRunner
{
    public TestResult? Result { get; private set; }

    public void OnStartFixture(Type t)
    {
    }

    public void OnArguments(int ntest, FSharpList<object> args, FSharpFunc<int, FSharpFunc<FSharpList<object>, string>> every)
    {
    }

    public void OnShrink(FSharpList<object> args, FSharpFunc<FSharpList<object>, string> everyShrink)
    {
    }

    public void OnFinished(string name, TestResult testResult) => Result = testResult;
}
