/*
 * Reference point for `memspike bench devices`: the linear pulse kernel (core/devices/pulse-kernels.ts
 * linearKernel, every non-ideality on) written in C, timed on the same kind of batch (one pulse of
 * random polarity per device, devices in order). Not part of the library or its build; it answers
 * "what would a compiled kernel cost on this machine?".
 *
 *   gcc -O2 -march=native -ffp-contract=off bench/reference/linear-kernel.c -o /tmp/lk -lm
 *   /tmp/lk nofold 1000000     # drift enabled, devices programmed within t0 (no fold)
 *   /tmp/lk fold 1000000       # every pulse first folds in its drift: glibc log + exp per pulse
 *
 * Simplifications, all in C's favour: the ziggurat always takes its fast path, the constants are
 * compile-time, glibc's log/exp (faster than V8's fdlibm) replace Math.log/Math.exp.
 */
#include <stdio.h>
#include <stdint.h>
#include <math.h>
#include <time.h>
#include <stdlib.h>
static uint32_t KN[128]; static double WN[128];
typedef struct { double s0,s1,s2,s3; } St;
static double nfix(St*s,int hz,int iz){ return hz*WN[iz]; }
double energy=0;
__attribute__((noinline)) double kernel(int n, const int* idx, const int* counts, float* g, uint32_t* pc, float* tp, uint16_t* su, uint16_t* sd, int16_t* bl, int16_t* bh, int16_t* dz, double tNow, St* st, int drifting, int c2cOn, int finiteE, int quantOn) {
  double gMin=10,gMax=1300,wB=1290/8192.,kUp=1/16./16384,kDn=1/16./16384,c2c=24,invE=1e-9,t0=1000,eUp=0.0007,eDown=0.0007,nuMean=0.02,nuStd=0.005,quant=64; uint64_t limit=1000000000; int stuck=0;
  double s0=st->s0,s1=st->s1,s2=st->s2,s3=st->s3; double pulses=0; double lnDt=NAN,lnV=0;
  for(int k=0;k<n;k++){ int i=idx[k]; int cnt=counts[k]; if(!cnt) continue; int up=cnt>0; cnt=up?cnt:-cnt; pulses+=cnt;
    double gi=g[i]; double ec=up?eUp:eDown; uint64_t p=pc[i];
    if(p>=limit){ energy+=cnt*ec*gi; continue; }
    if(drifting){ double dt=tNow-(double)tp[i]; if(dt>t0){ if(dt!=lnDt){lnDt=dt; lnV=log(dt/t0);} double nu=nuMean+nuStd*dz[i]*(1/4096.); gi*=exp(-nu*lnV);} }
    double lo0=gMin+bl[i]*wB, hi0=gMax+bh[i]*wB;
    double step= up? (hi0-lo0)*kUp*su[i] : -(hi0-lo0)*kDn*sd[i];
    double gs= stuck==0?lo0:stuck==1?hi0:0.5*(lo0+hi0);
    double qs=0,iqs=0; if(quantOn){qs=(hi0-lo0)/(quant-1); iqs=1/qs;}
    double lo=lo0,hi=hi0;
    for(int q=0;q<cnt;q++){ energy+=ec*gi; gi+=step;
      if(c2cOn){ double t=2091639*s0+s3*2.3283064365386963e-10; s0=s1; s1=s2; s3=(int)t; s2=t-s3; int hz=(int)(int64_t)(s2*4294967296.0); int iz=hz&127; double z; int64_t a=hz<0?-(int64_t)hz:hz; if(a<KN[iz]) z=hz*WN[iz]; else z=nfix(st,hz,iz); gi+=c2c*z; }
      p++;
      if(finiteE){ if(p>=limit){p=limit; gi=gs; energy+=(cnt-q-1)*ec*gi; break;} double r=p*invE; r*=r; lo=lo0+(gs-lo0)*r; hi=hi0-(hi0-gs)*r; }
      if(quantOn){ double x=(gi-lo0)*iqs; double fl=floor(x); gi=lo0+(fl+(x-fl>=0.5))*qs; }
      gi= gi<lo?lo:gi>hi?hi:gi; }
    g[i]=(float)gi; pc[i]= p>4294967294u?4294967294u:(uint32_t)p; tp[i]=(float)tNow; }
  st->s0=s0;st->s1=s1;st->s2=s2;st->s3=s3; return pulses; }
int main(int argc,char**argv){ int n=argc>2?atoi(argv[2]):16384; int fold=argc>1 && argv[1][0]=='f';
  for(int i=0;i<128;i++){KN[i]=2000000000u; WN[i]=1e-9;}
  int*idx=malloc(4*n),*counts=malloc(4*n); float*g=malloc(4*n),*tp=malloc(4*n); uint32_t*pc=calloc(n,4); uint16_t*su=malloc(2*n),*sd=malloc(2*n); int16_t*bl=calloc(n,2),*bh=calloc(n,2),*dz=calloc(n,2);
  for(int i=0;i<n;i++){idx[i]=i; counts[i]=((i*2654435761u)>>31)?1:-1; g[i]=500; tp[i]=0; su[i]=16384+ (i%100); sd[i]=16000; bl[i]=i%50; bh[i]=-(i%70); dz[i]=i%1000-500;}
  St st={0.3,0.5,0.7,12345}; double best=1e9; double t=0;
  for(int r=0;r<(n>100000?20:2000);r++){ if(fold){ t+=2001; for(int i=0;i<n;i++) tp[i]=t-1500-(i&4095)*0.125; } else t+=1; struct timespec a,b; clock_gettime(CLOCK_MONOTONIC,&a); kernel(n,idx,counts,g,pc,tp,su,sd,bl,bh,dz,t,&st,1,1,1,1); clock_gettime(CLOCK_MONOTONIC,&b); double ns=((b.tv_sec-a.tv_sec)*1e9+(b.tv_nsec-a.tv_nsec))/n; if(ns<best)best=ns; }
  printf("%s %.2f ns/pulse (energy %g)\n", fold?"fold":"nofold", best, energy); }
