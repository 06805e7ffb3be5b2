# Runs every lesson's code blocks in real Elixir and Erlang (Debian's elixir and
# erlang-base), against trees shaped like the lessons' sandboxes: the demo (counter_1,
# counter_2, printer under :demo), a pool (:pool) and a :root supervisor. A block whose
# first line is a comment ("# in ...", "%% what ...") is a fragment of init/1: it must
# compile (Elixir) or parse (Erlang). Any other block must run to its end without raising.
# Exits 1 if one does not.
#
#   cargo run -q -p otp-lab-lessons --example code_blocks -- DIR
#   elixir tests/real/lesson_code.exs DIR

defmodule Counter do
  use GenServer
  def start_link(arg \\ 0), do: GenServer.start_link(__MODULE__, arg)
  def init(_), do: {:ok, 0}
  def handle_cast(:increment, n), do: {:noreply, n + 1}
  def handle_call(:get_value, _from, n), do: {:reply, n, n}
end

defmodule Printer do
  use GenServer
  def start_link(_ \\ []), do: GenServer.start_link(__MODULE__, [])
  def init(_), do: {:ok, 0}
  def handle_cast({:print, x}, n), do: (IO.puts("printer: #{inspect(x)}"); {:noreply, n + 1})
end

# the Erlang lessons' counter module (the Lab's Counter, as Erlang names it)
defmodule :counter do
  def start_link(arg \\ 0), do: Counter.start_link(arg)
end

# the Erlang lesson's pool: OTP's simple_one_for_one with a Counter template
defmodule ErlPool do
  @behaviour :supervisor
  def init(_), do: {:ok, {%{strategy: :simple_one_for_one}, [%{id: :job, start: {Counter, :start_link, []}}]}}
end

defmodule LessonCode do
  def sandbox("demo", _) do
    children = [
      Supervisor.child_spec({Counter, 0}, id: :counter_1),
      Supervisor.child_spec({Counter, 0}, id: :counter_2),
      Supervisor.child_spec({Printer, []}, id: :printer)
    ]

    Supervisor.start_link(children, strategy: :one_for_one, name: :demo)
  end

  def sandbox("dynamic", :elixir), do: DynamicSupervisor.start_link(strategy: :one_for_one, name: :pool)
  def sandbox("dynamic", :erlang), do: :supervisor.start_link({:local, :pool}, ErlPool, [])

  # a scenario's tree: :root with its children's ids (a pool is the lesson's pool)
  def sandbox("scenario " <> ids, lang) do
    children =
      for id <- String.split(ids) do
        case {id, lang} do
          {"pool", :elixir} -> Supervisor.child_spec({DynamicSupervisor, strategy: :one_for_one, name: :pool}, id: :pool)
          {"pool", :erlang} -> %{id: :pool, start: {:supervisor, :start_link, [{:local, :pool}, ErlPool, []]}, type: :supervisor}
          _ -> Supervisor.child_spec({Counter, 0}, id: String.to_atom(id))
        end
      end

    Supervisor.start_link(children, strategy: :one_for_one, name: :root)
  end

  # the other presets: a :root with a, b and c
  def sandbox(_, lang), do: sandbox("scenario a b c", lang)

  # Erlang forms, one after the other
  def forms(text, acc \\ []) do
    case :erl_scan.tokens([], String.to_charlist(text), 1) do
      {:done, {:ok, toks, _}, rest} -> forms(List.to_string(rest), [toks | acc])
      {:done, {:eof, _}, _} -> Enum.reverse(acc)
      {:done, {:error, e, _}, _} -> raise "scan error: #{inspect(e)}"
      {:more, _} -> Enum.reverse(acc)
    end
  end

  # the Erlang shell's flush/0
  def flush_all do
    receive do
      m -> IO.puts("Shell got #{inspect(m)}") && flush_all()
    after
      0 -> :ok
    end
  end

  def eval(:elixir, code) do
    {v, _} = Code.eval_string("import IEx.Helpers, warn: false\n" <> code)
    v
  end

  def eval(:erlang, code) do
    handler = {:value, fn
      :flush, [] -> flush_all()
      name, args -> raise "no shell function #{name}/#{length(args)}"
    end}

    forms(code <> "\n")
    |> Enum.reduce({nil, :erl_eval.new_bindings()}, fn toks, {_, b} ->
      {:ok, exprs} = :erl_parse.parse_exprs(toks)
      {:value, v, b2} = :erl_eval.exprs(exprs, b, handler)
      {v, b2}
    end)
    |> elem(0)
  end

  def fragment_ok?(:elixir, code), do: match?({:ok, _}, Code.string_to_quoted(code))

  def fragment_ok?(:erlang, code) do
    body = code |> String.split("\n", parts: 2) |> List.last()
    with {:ok, toks, _} <- :erl_scan.string(String.to_charlist(body <> ".")),
         {:ok, _} <- :erl_parse.parse_exprs(toks) do
      true
    else
      _ -> false
    end
  end

  # true if the block runs (or, as a fragment, compiles)
  def check(lang, lesson, sb, code) do
    if String.starts_with?(code, "# in ") or String.starts_with?(code, "%% ") do
      ok = fragment_ok?(lang, code)
      IO.puts("#{lang} #{lesson}: fragment of init/1, #{if ok, do: "compiles", else: "DOES NOT COMPILE"}")
      ok
    else
      Process.flag(:trap_exit, true)
      {:ok, sup} = sandbox(sb, lang)
      parent = self()

      {_, mref} =
        spawn_monitor(fn ->
          r =
            try do
              {:ok, eval(lang, code)}
            rescue
              e -> {:raised, Exception.message(e)}
            catch
              k, v -> {k, v}
            end

          send(parent, {:result, r})
        end)

      r =
        receive do
          {:result, r} -> r
          {:DOWN, ^mref, _, _, reason} -> {:died, reason}
        after
          5000 -> :timeout
        end

      Process.exit(sup, :shutdown)
      receive do
        {:EXIT, ^sup, _} -> :ok
      after
        1000 -> :ok
      end

      ok = match?({:ok, _}, r)
      IO.puts("#{lang} #{lesson}: #{if ok, do: "ran", else: "FAILED"} #{inspect(r, limit: 6)}")
      ok
    end
  end
end

[dir] = System.argv()

results =
  for f <- Enum.sort(Path.wildcard(Path.join(dir, "*.ex"))), lang <- [:elixir, :erlang] do
    file = if lang == :elixir, do: f, else: String.replace_suffix(f, ".ex", ".erl")
    [lesson | sb] = String.split(File.read!(String.replace_suffix(f, ".ex", ".meta")), "\n")
    sb = Enum.join(sb, " ")
    LessonCode.check(lang, lesson, sb, File.read!(file))
  end

failed = Enum.count(results, &(!&1))
IO.puts("# lesson code: #{length(results)} blocks checked in Elixir #{System.version()} and OTP #{:erlang.system_info(:otp_release)}, #{failed} failed")
if failed > 0, do: System.halt(1)
