import json,sys,statistics as st
d=sys.argv[1]
import os
res={}
for f in sorted(os.listdir(d)):
    if not f.endswith('.jsonl'): continue
    rows=[json.loads(l) for l in open(os.path.join(d,f)) if l.strip()]
    lab=f[:-6]
    cpu=[r['cpu_s_per_session_minute'] for r in rows]
    p99=[r['rtt_p99_ms'] for r in rows]
    cs=[r['cpu']['context_switches_per_s'] for r in rows]
    lost=[(r['lost_audio_bytes'],r['lost_pongs'],r['chunks_late_over_20ms']) for r in rows]
    res[lab]=st.median(cpu)
    print(f"{lab:8} cpu med {st.median(cpu):.4f} runs {' '.join('%.4f'%x for x in cpu)} | p99 med {st.median(p99):.2f} runs {' '.join('%.2f'%x for x in p99)} | cs {st.median(cs):.0f} | lost/pongs/late {lost}")
if 'genai' in res:
    for k in res:
        if k!='genai': print(f"genai/{k} = {res['genai']/res[k]:.2f}")
if 'base' in res and 'ring' in res: print(f"ring/base = {res['ring']/res['base']:.3f}")
