# Bash completion for wijksim: commands, each command's options, parameter names after --set
# (and in `params`), and file arguments (.cfg scenarios and sweep specs, .h5 outputs).
#
# It asks the wijksim being completed for what it knows, so it is never stale: the commands
# from `wijksim --help`, a command's options from `wijksim help COMMAND`, the parameter names
# from `wijksim params --names`. Install with `make install-completion` (docs: README.md), or
# for one shell: source contrib/wijksim.bash
#
# Needs bash 4.2 or later and nothing else (bash-completion's helpers are used when loaded).

_wijksim_cached() { # _wijksim_cached KEY COMMAND...: the output of COMMAND, kept per wijksim
    local key="_WIJKSIM_CACHE_${1//[^A-Za-z0-9]/_}"
    shift
    if [[ -z ${!key+x} ]]; then
        printf -v "$key" '%s' "$("$@" 2>/dev/null)"
    fi
    printf '%s' "${!key}"
}

_wijksim_files() { # _wijksim_files EXT...: folders and files with these extensions
    local ext IFS=$'\n'
    local -a found=()
    compopt -o filenames 2>/dev/null
    found+=($(compgen -d -- "$cur"))
    for ext in "$@"; do
        found+=($(compgen -f -X "!*.$ext" -- "$cur"))
    done
    COMPREPLY=("${found[@]}")
}

_wijksim() {
    local cur prev words cword exe cmd i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    exe=${COMP_WORDS[0]}
    COMPREPLY=()

    # The command: the first word after the program that does not start with a dash.
    cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} != -* ]]; then
            cmd=${COMP_WORDS[i]}
            break
        fi
    done

    if [[ -z $cmd ]]; then
        local commands
        commands=$(_wijksim_cached "commands$exe" "$exe" --help |
            sed -n '/^commands:/,/^$/s/^  \([a-z]\+\).*/\1/p')
        COMPREPLY=($(compgen -W "$commands -V --version -h --help" -- "$cur"))
        return
    fi

    # Arguments of options.
    case $prev in
    --set)
        local names
        names=$(_wijksim_cached "params$exe" "$exe" params --names)
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(compgen -W "$names" -S = -- "$cur"))
        return
        ;;
    -o | --output)
        case $cmd in
        report) _wijksim_files html ;;
        *) _wijksim_files h5 ;;
        esac
        return
        ;;
    --table)
        _wijksim_files csv md
        return
        ;;
    --format)
        COMPREPLY=($(compgen -W "text csv markdown" -- "$cur"))
        return
        ;;
    -s | --seed | -r | --replicates | -t | --threads | --horizon | --shard | --title)
        return # a value of the user's
        ;;
    esac

    if [[ $cur == -* ]]; then
        local opts
        # Options as the usage text writes them: after a space, "[" or ",", e.g. "  -o, --output"
        # and "[--force]" (not the hyphen inside a word such as "self-contained").
        opts=$(_wijksim_cached "opts$cmd$exe" "$exe" help "$cmd" | grep -v mpirun |
            grep -oE '(^|[][ ,|])--?[A-Za-z][A-Za-z-]*' | sed 's/^[][ ,|]//' | sort -u)
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi

    case $cmd in
    run | compare | sweep) _wijksim_files cfg ;;
    params) _wijksim_files cfg ;;
    merge | report) _wijksim_files h5 ;;
    help)
        local commands
        commands=$(_wijksim_cached "commands$exe" "$exe" --help |
            sed -n '/^commands:/,/^$/s/^  \([a-z]\+\).*/\1/p')
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        ;;
    esac
}

complete -F _wijksim wijksim bin/wijksim ./bin/wijksim
